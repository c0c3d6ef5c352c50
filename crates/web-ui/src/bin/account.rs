//! "La mia posizione" (`/area-personale/posizione`): the citizen's utenze, acts, payments,
//! the estratto conto and the instalment-plan simulator, loaded only when opened.

fn main() {
    web_ui::start_account();
}
