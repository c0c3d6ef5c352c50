//! "Trasparenza rifiuti" (`/trasparenza`) and the Riciclabolario (`/riciclabolario`).

fn main() {
    web_ui::start_waste();
}
