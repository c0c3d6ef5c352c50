//! Camera and microphone: asked for only when the caller chooses (never before the
//! conditions are accepted), listed for the device selects, shown in `<video>` elements.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamConstraints};

fn devices() -> Option<web_sys::MediaDevices> {
    web_sys::window()?.navigator().media_devices().ok()
}

/// What to ask the browser for: a device id (empty: the default) per kind, `None` to
/// leave that kind out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Want {
    pub camera: Option<String>,
    pub microphone: Option<String>,
}

fn constraint(device: Option<&String>) -> wasm_bindgen::JsValue {
    match device {
        None => false.into(),
        Some(id) if id.is_empty() => true.into(),
        Some(id) => {
            let c = js_sys::Object::new();
            let exact = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&exact, &"exact".into(), &id.into());
            let _ = js_sys::Reflect::set(&c, &"deviceId".into(), &exact);
            c.into()
        }
    }
}

/// `getUserMedia` for what is wanted; `None` when nothing is wanted or the browser refuses.
pub async fn open(want: &Want) -> Option<MediaStream> {
    if want.camera.is_none() && want.microphone.is_none() {
        return None;
    }
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&constraint(want.camera.as_ref()));
    constraints.set_audio(&constraint(want.microphone.as_ref()));
    let promise = devices()?
        .get_user_media_with_constraints(&constraints)
        .ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// The cameras and microphones, as `(id, label)` for a select (labels are known once
/// the browser has granted access).
pub async fn list() -> (Vec<(String, String)>, Vec<(String, String)>) {
    let mut cameras = Vec::new();
    let mut microphones = Vec::new();
    let Some(promise) = devices().and_then(|d| d.enumerate_devices().ok()) else {
        return (cameras, microphones);
    };
    let Ok(found) = JsFuture::from(promise).await else {
        return (cameras, microphones);
    };
    for d in js_sys::Array::from(&found).iter() {
        let Ok(d) = d.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let (list, n) = match d.kind() {
            MediaDeviceKind::Videoinput => (&mut cameras, "camera"),
            MediaDeviceKind::Audioinput => (&mut microphones, "mic"),
            _ => continue,
        };
        let label = if d.label().is_empty() {
            format!("{n} {}", list.len() + 1)
        } else {
            d.label()
        };
        list.push((d.device_id(), label));
    }
    (cameras, microphones)
}

/// Stops every track (the camera's light goes off).
pub fn stop(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
            t.stop();
        }
    }
}

/// Turns the audio or video tracks on or off without renegotiating.
pub fn set_enabled(stream: &MediaStream, video: bool, on: bool) {
    let tracks = if video {
        stream.get_video_tracks()
    } else {
        stream.get_audio_tracks()
    };
    for t in tracks.iter() {
        if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
            t.set_enabled(on);
        }
    }
}

pub fn has_video(stream: &MediaStream) -> bool {
    stream.get_video_tracks().length() > 0
}

/// Shows a stream in the `<video>` with this id (or clears it).
pub fn show(video_id: &str, stream: Option<&MediaStream>) {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(video_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlMediaElement>().ok())
    else {
        return;
    };
    el.set_src_object(stream);
    if stream.is_some()
        && let Ok(playing) = el.play()
    {
        // A newer stream interrupts this play(): nothing to report.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(playing).await;
        });
    }
}
