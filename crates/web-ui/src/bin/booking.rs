//! Appointment and pickup booking (`/prenotazioni`, `/ritiro-ingombranti`).

fn main() {
    web_ui::start_booking();
}
