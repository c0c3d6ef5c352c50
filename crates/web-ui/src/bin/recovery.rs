//! Password recovery (`/recupero-password`): ask for a reset link, set a new password.

fn main() {
    web_ui::start_recovery();
}
