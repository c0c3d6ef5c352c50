//! Live chat (`/chat`) and the video desk (`/videochiamata/{code}`).

fn main() {
    web_ui::start_live();
}
