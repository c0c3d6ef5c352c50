//! The citizen portal (`/`): services, registration, request wizard, personal area.

fn main() {
    web_ui::start_portal();
}
