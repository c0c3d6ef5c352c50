//! The citizen's rating of the answer to their request: once per request, after it is
//! concluded (`domain::rating`).

use chrono::Utc;
use domain::rating::{Rating, RatingAspect, can_rate};

use super::views::{load_visible, lock_visible};

use crate::auth::AuthUser;
use crate::db::models::RatingRow;
use crate::db::repo::requests;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn view(row: RatingRow) -> Rating {
    Rating {
        stars: u8::try_from(row.stars).unwrap_or_default(),
        aspects: row
            .aspects
            .split(',')
            .filter_map(RatingAspect::from_code)
            .collect(),
        details: row.details,
    }
}

/// The request's rating, if its citizen gave one (the citizen and the staff).
pub fn rating(state: &AppState, user: &AuthUser, request_id: &str) -> ApiResult<Option<Rating>> {
    state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        Ok::<_, ApiError>(requests::rating(c, &row.id)?.map(view))
    })
}

/// Stores the citizen's rating: their own request only, once, when it is concluded.
pub fn rate(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &Rating,
) -> ApiResult<Rating> {
    state.db.write_tx(|c| {
        let row = lock_visible(c, user, request_id)?;
        if row.citizen_id.as_deref() != Some(user.user_id.as_str()) {
            return Err(ApiError::forbidden(
                "Solo chi ha presentato la richiesta può valutarla",
                "Only the citizen who filed the request may rate it",
            ));
        }
        let rating = body.clone().validate()?;
        if !can_rate(row.status) {
            return Err(ApiError::conflict(
                "La risposta si può valutare quando la richiesta è conclusa",
                "The answer can be rated once the request is concluded",
            ));
        }
        let stored = requests::insert_rating(
            c,
            &RatingRow {
                request_id: row.id.clone(),
                tenant_id: row.tenant_id.clone(),
                stars: i32::from(rating.stars),
                aspects: rating
                    .aspects
                    .iter()
                    .map(|a| a.code())
                    .collect::<Vec<_>>()
                    .join(","),
                details: rating.details.clone(),
                created_at: Utc::now().naive_utc(),
            },
        )?;
        if !stored {
            return Err(ApiError::conflict(
                "La richiesta è già stata valutata",
                "The request has already been rated",
            ));
        }
        Ok(rating)
    })
}
