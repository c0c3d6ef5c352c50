//! The call's controls: microphone, camera, leaving. Toggle buttons say their state with
//! `aria-pressed`; all are plain buttons, so the keyboard reaches and presses them.

use leptos::prelude::*;

use super::session::CallView;
use crate::i18n::trv;

#[component]
pub fn CallControls(
    view: CallView,
    on_mute: Callback<bool>,
    on_camera: Callback<bool>,
    on_hang_up: Callback<()>,
    /// The operator's "Termina" ends the call for both; the citizen only leaves.
    hang_up_label: Signal<&'static str>,
) -> impl IntoView {
    let toggle = move |pressed: RwSignal<bool>,
                       label: Signal<&'static str>,
                       cb: Callback<bool>,
                       testid: &'static str| {
        view! {
            <button
                type="button"
                class="btn btn-sm"
                class:btn-outline-primary=move || !pressed.get()
                class:btn-primary=move || pressed.get()
                aria-pressed=move || if pressed.get() { "true" } else { "false" }
                data-testid=testid
                on:click=move |_| cb.run(!pressed.get_untracked())
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="d-flex flex-wrap gap-2 my-2" role="group" aria-label=trv(|v| v.controls)>
            {toggle(view.muted, trv(|v| v.mute), on_mute, "call-mute")}
            {move || view.has_camera.get().then(|| toggle(view.camera_off, trv(|v| v.camera_off), on_camera, "call-camera"))}
            <button type="button" class="btn btn-sm btn-danger" data-testid="call-hang-up" on:click=move |_| on_hang_up.run(())>
                {hang_up_label}
            </button>
        </div>
    }
}
