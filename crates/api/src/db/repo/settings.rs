//! Writing a tenant's settings (reading goes through `tenants::find`).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::TenantRow;
use crate::db::schema::tenants;

/// Stores every setting column of `row`, clearing the optional ones that are `None`
/// (`tenants::update` skips `None` fields instead).
pub fn save(conn: &mut DbConn, row: &TenantRow) -> QueryResult<()> {
    diesel::update(tenants::table.find(&row.id))
        .set((
            tenants::name.eq(&row.name),
            tenants::fiscal_code.eq(row.fiscal_code.as_deref()),
            tenants::logo_url.eq(row.logo_url.as_deref()),
            tenants::patron_saint.eq(row.patron_saint.as_deref()),
            tenants::closure_days.eq(&row.closure_days),
            tenants::standard_days.eq(&row.standard_days),
            tenants::tqrif_scheme.eq(row.tqrif_scheme),
            tenants::target_percent.eq(row.target_percent),
            tenants::population.eq(row.population),
            tenants::contacts.eq(&row.contacts),
        ))
        .execute(conn)
        .map(|_| ())
}
