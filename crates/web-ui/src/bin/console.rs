//! The operator console (`/console`): queue, request desk, registrations, register, admin.

fn main() {
    web_ui::start_console();
}
