//! The taxpayer's account: contribuenti, utenze, acts, payments, adjustments, the
//! statement, instalment-plan proposals and the tax settings. Amounts are integer cents.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{DomainError, Errors, FieldError, Lang};
use crate::tax::plan::{Bracket, EntitlementBasis, InstalmentRules, PlanOffer};
use crate::tax::rates::{InterestRules, Percent};
use crate::tax::statement::{AccountRules, ActLedger, PlanState, act_statement, totals};
use crate::tax::{
    self, ActKind, ActStatus, AdjustmentKind, Components, PaymentChannel, Tributo, UtenzaKind,
    at_field,
};
use crate::types::{CodiceFiscale, Email, Money, PersonName, PhoneNumber};

/// Absent → `None`; `null` → `Some(None)` (clear it); a value → `Some(Some(v))`.
#[allow(clippy::option_option)] // the three cases of a nullable field in a partial update
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn text(
    field: String,
    value: &str,
    max: usize,
    required: bool,
    errors: &mut Errors,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError::new(
                field,
                "Campo obbligatorio",
                "This field is required",
            ));
        }
        return None;
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("Al massimo {max} caratteri su una riga"),
            format!("At most {max} characters on one line"),
        ));
        return None;
    }
    Some(v.to_owned())
}

fn opt_text(field: &str, value: Option<&str>, max: usize, errors: &mut Errors) -> Option<String> {
    value.and_then(|v| text(field.to_owned(), v, max, false, errors))
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// Street and house number, e.g. `Via Roma 1`.
    pub street: String,
    #[serde(default)]
    pub postal_code: Option<String>,
    pub city: String,
    /// Two-letter province code, e.g. `PI`.
    #[serde(default)]
    pub province: Option<String>,
}

impl Address {
    /// Trimmed and checked; errors under `field.street` etc.
    pub fn normalized(&self, field: &str) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let street = text(
            format!("{field}.street"),
            &self.street,
            200,
            true,
            &mut errors,
        );
        let city = text(format!("{field}.city"), &self.city, 100, true, &mut errors);
        let postal_code = self
            .postal_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(cap) = postal_code
            && (cap.len() != 5 || !cap.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(FieldError::new(
                format!("{field}.postal_code"),
                "Il CAP ha 5 cifre",
                "The postal code has 5 digits",
            ));
        }
        let province = self
            .province
            .as_deref()
            .map(|p| p.trim().to_ascii_uppercase())
            .filter(|s| !s.is_empty());
        if let Some(p) = &province
            && (p.len() != 2 || !p.bytes().all(|b| b.is_ascii_uppercase()))
        {
            errors.push(FieldError::new(
                format!("{field}.province"),
                "La sigla della provincia ha 2 lettere",
                "The province code has 2 letters",
            ));
        }
        errors.finish()?;
        Ok(Self {
            street: street.unwrap_or_default(),
            postal_code: postal_code.map(str::to_owned),
            city: city.unwrap_or_default(),
            province,
        })
    }
}

/// A taxpayer: a person (16-character codice fiscale, names) or a company (11 digits,
/// denominazione). Linked to the citizen account with the same codice fiscale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribuente {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(example = "RSSMRA80A01H501U"))]
    pub fiscal_code: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub denominazione: Option<String>,
    pub residence: Option<Address>,
    /// Where mail goes when not the residence (recapito).
    pub mailing_address: Option<Address>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub phone: Option<String>,
    /// The citizen account with the same codice fiscale, once there is one.
    pub citizen_id: Option<String>,
}

impl Contribuente {
    /// The name to print: denominazione, or first and last name.
    pub fn display_name(&self) -> String {
        display_name(
            self.denominazione.as_deref(),
            self.first_name.as_deref(),
            self.last_name.as_deref(),
        )
    }
}

fn display_name(denominazione: Option<&str>, first: Option<&str>, last: Option<&str>) -> String {
    denominazione.map_or_else(
        || {
            [first, last]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        },
        str::to_owned,
    )
}

/// `POST /contribuenti`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateContribuente {
    pub fiscal_code: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub denominazione: Option<String>,
    #[serde(default)]
    pub residence: Option<Address>,
    #[serde(default)]
    pub mailing_address: Option<Address>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub pec: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl CreateContribuente {
    /// Checked and normalized (codice fiscale upper case, e-mail lower case, phone E.164):
    /// a person needs first and last name, a company its denominazione.
    pub fn normalized(&self) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let cf = errors.check(CodiceFiscale::parse(&self.fiscal_code));
        let personal = cf.as_ref().is_none_or(CodiceFiscale::is_personal);
        let mut name =
            |field: &'static str, value: &Option<String>, required: bool| -> Option<String> {
                match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    Some(v) => errors
                        .check(if field == "last_name" {
                            PersonName::parse_last(v)
                        } else {
                            PersonName::parse_first(v)
                        })
                        .map(PersonName::into_inner),
                    None if required => {
                        let name = if field == "last_name" {
                            crate::messages::FieldName::noun("il cognome", "the last name")
                        } else {
                            crate::messages::FieldName::noun("il nome", "the first name")
                        };
                        errors.push(crate::messages::required(field, &name));
                        None
                    }
                    None => None,
                }
            };
        let first_name = name("first_name", &self.first_name, personal && cf.is_some());
        let last_name = name("last_name", &self.last_name, personal && cf.is_some());
        let denominazione = match &self.denominazione {
            Some(d) => text("denominazione".into(), d, 200, false, &mut errors),
            None => None,
        };
        if !personal && denominazione.is_none() {
            errors.push(FieldError::new(
                "denominazione",
                "Per una ditta o un ente la denominazione è obbligatoria",
                "A company or body needs its name (denominazione)",
            ));
        }
        let residence = self
            .residence
            .as_ref()
            .and_then(|a| errors.check(a.normalized("residence")));
        let mailing_address = self
            .mailing_address
            .as_ref()
            .and_then(|a| errors.check(a.normalized("mailing_address")));
        let email = self
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .and_then(|e| errors.check(Email::parse(e)))
            .map(|e| e.as_str().to_owned());
        let pec = self
            .pec
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .and_then(|e| errors.check(Email::parse(e).map_err(|err| at_field(err, "pec"))))
            .map(|e| e.as_str().to_owned());
        let phone = self
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| errors.check(PhoneNumber::parse(p)))
            .map(|p| p.as_str().to_owned());
        errors.finish()?;
        Ok(Self {
            fiscal_code: cf.expect("checked").as_str().to_owned(),
            first_name,
            last_name,
            denominazione,
            residence,
            mailing_address,
            email,
            pec,
            phone,
        })
    }
}

/// Catasto identifiers of the premises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cadastral {
    #[serde(default)]
    pub sezione: Option<String>,
    pub foglio: String,
    pub particella: String,
    #[serde(default)]
    pub subalterno: Option<String>,
    /// Cadastral category, e.g. `A/2`.
    #[serde(default)]
    pub categoria: Option<String>,
}

/// A TARI account (utenza).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Utenza {
    pub id: String,
    pub contribuente_id: String,
    /// The Comune's codice utenza.
    pub code: String,
    pub kind: UtenzaKind,
    pub address: Address,
    pub cadastral: Option<Cadastral>,
    pub square_meters: u32,
    /// Domestic: people in the household.
    pub occupants: Option<u32>,
    /// Non-domestic: the tariff category (DPR 158/1999), e.g. `12`.
    pub category: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// `POST /utenze`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUtenza {
    pub contribuente_id: String,
    pub code: String,
    pub kind: UtenzaKind,
    pub address: Address,
    #[serde(default)]
    pub cadastral: Option<Cadastral>,
    pub square_meters: u32,
    #[serde(default)]
    pub occupants: Option<u32>,
    #[serde(default)]
    pub category: Option<String>,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

impl CreateUtenza {
    /// A domestic utenza counts its occupants (1–50), a non-domestic one has a category.
    pub fn normalized(&self) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let code = text("code".into(), &self.code, 40, true, &mut errors);
        let address = errors.check(self.address.normalized("address"));
        let cadastral = self.cadastral.as_ref().map(|c| Cadastral {
            sezione: opt_text("cadastral.sezione", c.sezione.as_deref(), 10, &mut errors),
            foglio: text("cadastral.foglio".into(), &c.foglio, 10, true, &mut errors)
                .unwrap_or_default(),
            particella: text(
                "cadastral.particella".into(),
                &c.particella,
                10,
                true,
                &mut errors,
            )
            .unwrap_or_default(),
            subalterno: opt_text(
                "cadastral.subalterno",
                c.subalterno.as_deref(),
                10,
                &mut errors,
            ),
            categoria: opt_text(
                "cadastral.categoria",
                c.categoria.as_deref(),
                10,
                &mut errors,
            ),
        });
        if self.square_meters == 0 || self.square_meters > 1_000_000 {
            errors.push(FieldError::new(
                "square_meters",
                "La superficie va da 1 a 1.000.000 m²",
                "The surface ranges from 1 to 1,000,000 m²",
            ));
        }
        let category = opt_text("category", self.category.as_deref(), 20, &mut errors);
        match self.kind {
            UtenzaKind::Domestica if !self.occupants.is_some_and(|o| (1..=50).contains(&o)) => {
                errors.push(FieldError::new(
                    "occupants",
                    "Un'utenza domestica indica gli occupanti (da 1 a 50)",
                    "A domestic account gives its occupants (1 to 50)",
                ));
            }
            UtenzaKind::NonDomestica if category.is_none() => errors.push(FieldError::new(
                "category",
                "Un'utenza non domestica indica la categoria tariffaria",
                "A non-domestic account gives its tariff category",
            )),
            _ => {}
        }
        if self.end_date.is_some_and(|e| e < self.start_date) {
            errors.push(FieldError::new(
                "end_date",
                "La cessazione non può precedere l'inizio",
                "The end date cannot precede the start date",
            ));
        }
        errors.finish()?;
        Ok(Self {
            code: code.unwrap_or_default(),
            address: address.expect("checked"),
            cadastral,
            category,
            occupants: (self.kind == UtenzaKind::Domestica)
                .then_some(self.occupants)
                .flatten(),
            ..self.clone()
        })
    }
}

/// One instalment of an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActInstalment {
    pub n: u32,
    pub due_date: NaiveDate,
    pub amount: i64,
}

/// An instalment of a new act; numbered in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInstalment {
    pub due_date: NaiveDate,
    pub amount: i64,
}

/// `POST /acts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAct {
    pub contribuente_id: String,
    #[serde(default)]
    pub utenza_id: Option<String>,
    pub kind: ActKind,
    pub number: String,
    pub year: i32,
    pub tributo: Tributo,
    pub issued_on: NaiveDate,
    #[serde(default)]
    pub notified_on: Option<NaiveDate>,
    /// Absent: the whole amount is tributo.
    #[serde(default)]
    pub components: Option<Components>,
    pub instalments: Vec<NewInstalment>,
}

impl CreateAct {
    pub fn to_domain(&self) -> Result<tax::Act, DomainError> {
        tax::Act::new(tax::acts::NewAct {
            kind: self.kind,
            tributo: self.tributo,
            number: self.number.clone(),
            year: self.year,
            issued_on: self.issued_on,
            notified_on: self.notified_on,
            components: self.components,
            instalments: self
                .instalments
                .iter()
                .map(|i| (i.due_date, Money::from_cents(i.amount)))
                .collect(),
        })
    }
}

/// An act as stored (`GET /acts/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Act {
    pub id: String,
    pub contribuente_id: String,
    pub utenza_id: Option<String>,
    pub kind: ActKind,
    pub number: String,
    pub year: i32,
    pub tributo: Tributo,
    pub issued_on: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    pub components: Components,
    pub status: ActStatus,
    /// Sum of the instalments as they stand.
    pub total: i64,
    /// The day a granted plan took effect.
    pub plan_granted_on: Option<NaiveDate>,
    pub instalments: Vec<ActInstalment>,
}

impl Act {
    pub fn from_domain(
        id: String,
        contribuente_id: String,
        utenza_id: Option<String>,
        act: &tax::Act,
    ) -> Self {
        Self {
            id,
            contribuente_id,
            utenza_id,
            kind: act.kind,
            number: act.number.clone(),
            year: act.year,
            tributo: act.tributo,
            issued_on: act.issued_on,
            notified_on: act.notified_on,
            components: act.components,
            status: act.status,
            total: act.total().cents(),
            plan_granted_on: act.plan_granted_on,
            instalments: act
                .instalments
                .iter()
                .map(|i| ActInstalment {
                    n: i.n,
                    due_date: i.due_date,
                    amount: i.amount.cents(),
                })
                .collect(),
        }
    }

    pub fn to_domain(&self) -> Result<tax::Act, DomainError> {
        tax::Act::from_parts(tax::Act {
            kind: self.kind,
            status: self.status,
            tributo: self.tributo,
            number: self.number.clone(),
            year: self.year,
            issued_on: self.issued_on,
            notified_on: self.notified_on,
            components: self.components,
            instalments: self
                .instalments
                .iter()
                .map(|i| tax::Instalment {
                    n: i.n,
                    due_date: i.due_date,
                    amount: Money::from_cents(i.amount),
                })
                .collect(),
            plan_granted_on: self.plan_granted_on,
        })
    }
}

/// `POST /payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePayment {
    pub act_id: String,
    pub date: NaiveDate,
    pub amount: i64,
    pub channel: PaymentChannel,
    #[serde(default)]
    pub reference: String,
    /// The instalment it pays; absent: oldest first.
    #[serde(default)]
    pub instalment: Option<u32>,
}

impl CreatePayment {
    pub fn to_domain(&self, act: &tax::Act, today: NaiveDate) -> Result<tax::Payment, DomainError> {
        tax::Payment::new(
            act,
            self.date,
            Money::from_cents(self.amount),
            self.channel,
            &self.reference,
            self.instalment,
            today,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: String,
    pub act_id: String,
    pub date: NaiveDate,
    pub amount: i64,
    pub channel: PaymentChannel,
    pub reference: String,
    pub instalment: Option<u32>,
}

impl Payment {
    pub fn to_domain(&self) -> tax::Payment {
        tax::Payment {
            date: self.date,
            amount: Money::from_cents(self.amount),
            channel: self.channel,
            reference: self.reference.clone(),
            instalment: self.instalment,
        }
    }
}

/// `POST /acts/{id}/adjustments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAdjustment {
    pub kind: AdjustmentKind,
    pub date: NaiveDate,
    /// Required except for an annullamento, which concerns the whole act.
    #[serde(default)]
    pub amount: Option<i64>,
    /// A sgravio or compensazione may name one instalment.
    #[serde(default)]
    pub instalment: Option<u32>,
    pub reason: String,
}

impl CreateAdjustment {
    /// The adjustment, and the act's status once it is recorded
    /// ([`tax::adjust::check`]).
    pub fn to_domain(
        &self,
        ledger: ActLedger<'_>,
        today: NaiveDate,
    ) -> Result<(tax::Adjustment, ActStatus), DomainError> {
        if self.kind != AdjustmentKind::Annullamento && self.amount.is_none() {
            return Err(DomainError::invalid(
                "amount",
                "Indicare l'importo",
                "The amount is required",
            ));
        }
        let adjustment = tax::Adjustment {
            kind: self.kind,
            date: self.date,
            amount: Money::from_cents(self.amount.unwrap_or(0)),
            instalment: self.instalment,
            reason: self.reason.trim().to_owned(),
        };
        let status = tax::adjust::check(ledger, &adjustment, today)?;
        Ok((adjustment, status))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adjustment {
    pub id: String,
    pub act_id: String,
    pub kind: AdjustmentKind,
    pub date: NaiveDate,
    pub amount: i64,
    pub instalment: Option<u32>,
    pub reason: String,
    pub operator_id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Adjustment {
    pub fn to_domain(&self) -> tax::Adjustment {
        tax::Adjustment {
            kind: self.kind,
            date: self.date,
            amount: Money::from_cents(self.amount),
            instalment: self.instalment,
            reason: self.reason.clone(),
        }
    }
}

/// Who a statement is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContribuenteSummary {
    pub id: String,
    pub fiscal_code: String,
    pub name: String,
}

impl From<&Contribuente> for ContribuenteSummary {
    fn from(c: &Contribuente) -> Self {
        Self {
            id: c.id.clone(),
            fiscal_code: c.fiscal_code.clone(),
            name: c.display_name(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementInstalment {
    pub n: u32,
    pub due_date: NaiveDate,
    pub amount: i64,
    pub paid: i64,
    pub residual: i64,
    pub days_late: u32,
    pub interest: i64,
}

/// A granted plan on the statement ("rateizzazione concessa").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementPlan {
    pub state: PlanState,
    pub granted_on: NaiveDate,
    /// When missed instalments made the whole residual payable at once.
    pub lapsed_on: Option<NaiveDate>,
    pub instalments: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementAct {
    pub id: String,
    pub kind: ActKind,
    pub number: String,
    pub year: i32,
    pub tributo: Tributo,
    pub status: ActStatus,
    /// Due after sgravi (zero when annulled or discharged); `total = paid + residual`.
    pub total: i64,
    pub paid: i64,
    pub residual: i64,
    /// Default interest up to and including `as_of`.
    pub interest: i64,
    /// What one more day of interest adds now.
    pub daily_interest: i64,
    /// Paid beyond what is due, not yet refunded.
    pub credit: i64,
    /// No longer due: sgravi, or the whole act when annulled or discharged.
    pub discharged: i64,
    pub plan: Option<StatementPlan>,
    pub instalments: Vec<StatementInstalment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementTotals {
    pub total: i64,
    pub paid: i64,
    pub residual: i64,
    pub interest: i64,
    pub daily_interest: i64,
    pub credit: i64,
    pub discharged: i64,
}

/// The estratto conto (`GET /contribuenti/{id}/statement`, `GET /me/statement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statement {
    pub as_of: NaiveDate,
    pub contribuente: ContribuenteSummary,
    pub acts: Vec<StatementAct>,
    pub totals: StatementTotals,
}

/// One act of a statement: its id and everything recorded on it.
#[derive(Debug, Clone, Copy)]
pub struct StatementItem<'a> {
    pub id: &'a str,
    pub ledger: ActLedger<'a>,
}

impl Statement {
    /// The statement of `items` as of `as_of`, in the order given.
    pub fn compute(
        as_of: NaiveDate,
        contribuente: ContribuenteSummary,
        items: &[StatementItem<'_>],
        rules: &AccountRules,
    ) -> Result<Self, DomainError> {
        let mut acts = Vec::with_capacity(items.len());
        let mut computed = Vec::with_capacity(items.len());
        for item in items {
            let s = act_statement(item.ledger, as_of, rules)?;
            let act = item.ledger.act;
            acts.push(StatementAct {
                id: item.id.to_owned(),
                kind: act.kind,
                number: act.number.clone(),
                year: act.year,
                tributo: act.tributo,
                status: act.status,
                total: s.total.cents(),
                paid: s.paid.cents(),
                residual: s.residual.cents(),
                interest: s.interest.cents(),
                daily_interest: s.daily_interest.cents(),
                credit: s.credit.cents(),
                discharged: s.discharged.cents(),
                plan: s.plan.map(|p| StatementPlan {
                    state: p.state,
                    granted_on: p.granted_on,
                    lapsed_on: p.lapsed_on,
                    instalments: p.instalments,
                }),
                instalments: s
                    .instalments
                    .iter()
                    .map(|i| StatementInstalment {
                        n: i.n,
                        due_date: i.due_date,
                        amount: i.amount.cents(),
                        paid: i.paid.cents(),
                        residual: i.residual.cents(),
                        days_late: i.days_late,
                        interest: i.interest.cents(),
                    })
                    .collect(),
            });
            computed.push(s);
        }
        let t = totals(&computed);
        Ok(Self {
            as_of,
            contribuente,
            acts,
            totals: StatementTotals {
                total: t.total.cents(),
                paid: t.paid.cents(),
                residual: t.residual.cents(),
                interest: t.interest.cents(),
                daily_interest: t.daily_interest.cents(),
                credit: t.credit.cents(),
                discharged: t.discharged.cents(),
            },
        })
    }
}

/// Why the plan is (or may be) granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanEntitlement {
    pub basis: EntitlementBasis,
    /// True when TQRIF art. 27 requires the plan; false when it is at the office's
    /// discretion.
    pub entitled: bool,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInstalment {
    pub n: u32,
    pub due_date: NaiveDate,
    pub capital: i64,
    /// Plan interest, when the tenant charges it.
    pub interest: i64,
    pub amount: i64,
}

/// A proposed plan (`GET /me/acts/{id}/plan?instalments=N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanProposal {
    pub act_id: String,
    /// The day the plan starts.
    pub starts_on: NaiveDate,
    pub entitlement: PlanEntitlement,
    /// The act's residual on that day…
    pub residual: i64,
    /// …and the default interest accrued on it so far: together, what the plan spreads.
    pub accrued_interest: i64,
    pub debt: i64,
    /// The range of monthly instalments this amount allows.
    pub min_instalments: u32,
    pub max_instalments: u32,
    pub instalments: Vec<PlanInstalment>,
    pub plan_interest: i64,
    /// What the instalments add up to.
    pub total: i64,
}

impl PlanProposal {
    pub fn from_offer(act_id: String, offer: &PlanOffer, lang: Lang) -> Self {
        let p = &offer.proposal;
        Self {
            act_id,
            starts_on: p.on,
            entitlement: PlanEntitlement {
                basis: offer.entitlement.basis(),
                entitled: offer.entitlement.is_entitled(),
                message: offer.entitlement.message(lang),
            },
            residual: offer.base.residual.cents(),
            accrued_interest: offer.base.interest.cents(),
            debt: p.debt.cents(),
            min_instalments: p.min_instalments,
            max_instalments: p.max_instalments,
            instalments: p
                .instalments
                .iter()
                .map(|i| PlanInstalment {
                    n: i.n,
                    due_date: i.due_date,
                    capital: i.capital.cents(),
                    interest: i.interest.cents(),
                    amount: i.amount.cents(),
                })
                .collect(),
            plan_interest: p.interest.cents(),
            total: p.total.cents(),
        }
    }
}

/// The legal rate from a day on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalRate {
    #[cfg_attr(feature = "openapi", schema(example = "2026-01-01"))]
    pub from: NaiveDate,
    pub percent: Percent,
}

/// Settings `interest`: the legal-rate table and the points over it by act kind (0–3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterestSettings {
    pub legal_rates: Vec<LegalRate>,
    /// Every kind with its points (defaults filled in).
    pub points_by_kind: BTreeMap<ActKind, Percent>,
}

impl InterestSettings {
    pub fn from_rules(rules: &InterestRules) -> Self {
        Self {
            legal_rates: rules
                .legal_rates
                .entries()
                .iter()
                .map(|&(from, percent)| LegalRate { from, percent })
                .collect(),
            points_by_kind: ActKind::ALL
                .iter()
                .map(|&k| (k, rules.points.get(k)))
                .collect(),
        }
    }

    pub fn to_rules(&self) -> Result<InterestRules, DomainError> {
        InterestRules::new(
            self.legal_rates.iter().map(|r| (r.from, r.percent)),
            self.points_by_kind.iter().map(|(&k, &p)| (k, p)),
        )
    }
}

impl Default for InterestSettings {
    fn default() -> Self {
        Self::from_rules(&InterestRules::default())
    }
}

/// `PUT /settings` `interest`: each field replaces the stored one when present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateInterestSettings {
    /// The whole table (add next year's rate to the existing rows).
    #[serde(default)]
    pub legal_rates: Option<Vec<LegalRate>>,
    /// Kinds named here change; the others keep their points.
    #[serde(default)]
    pub points_by_kind: Option<BTreeMap<ActKind, Percent>>,
}

impl UpdateInterestSettings {
    pub fn apply(&self, current: &InterestRules) -> Result<InterestRules, DomainError> {
        let mut s = InterestSettings::from_rules(current);
        if let Some(rates) = &self.legal_rates {
            s.legal_rates = rates.clone();
        }
        if let Some(points) = &self.points_by_kind {
            s.points_by_kind.extend(points);
        }
        s.to_rules()
    }
}

/// Amounts up to `up_to` cents (null: no bound, the last bracket) allow from
/// `min_instalments` (default 2) to `max_instalments` monthly instalments; 0 means none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstalmentBracket {
    pub up_to: Option<i64>,
    #[serde(default)]
    pub min_instalments: Option<u32>,
    pub max_instalments: u32,
}

/// Settings `instalments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstalmentSettings {
    /// Smallest instalment in cents (100 € unless set lower).
    pub min_amount: i64,
    pub brackets: Vec<InstalmentBracket>,
    /// A plan lapses when this many of its instalments were missed.
    pub lapse_after_unpaid: u32,
    /// Annual interest on a plan's outstanding capital; null for none.
    pub plan_interest: Option<Percent>,
    /// Economic hardship as the tenant defines it: an ISEE up to these cents; null for no
    /// automatic criterion.
    pub hardship_isee_max: Option<i64>,
}

impl InstalmentSettings {
    pub fn from_rules(rules: &InstalmentRules) -> Self {
        Self {
            min_amount: rules.min_amount.cents(),
            brackets: rules
                .brackets
                .iter()
                .map(|b| InstalmentBracket {
                    up_to: b.up_to.map(Money::cents),
                    min_instalments: Some(b.min_instalments),
                    max_instalments: b.max_instalments,
                })
                .collect(),
            lapse_after_unpaid: rules.lapse_after_unpaid,
            plan_interest: rules.plan_interest,
            hardship_isee_max: rules.hardship_isee_max.map(Money::cents),
        }
    }

    pub fn to_rules(&self) -> Result<InstalmentRules, DomainError> {
        InstalmentRules::new(
            Money::from_cents(self.min_amount),
            self.brackets
                .iter()
                .map(|b| Bracket {
                    up_to: b.up_to.map(Money::from_cents),
                    min_instalments: b.min_instalments.unwrap_or(if b.max_instalments == 0 {
                        0
                    } else {
                        2
                    }),
                    max_instalments: b.max_instalments,
                })
                .collect(),
            self.lapse_after_unpaid,
            self.plan_interest,
            self.hardship_isee_max.map(Money::from_cents),
        )
    }
}

impl Default for InstalmentSettings {
    fn default() -> Self {
        Self::from_rules(&InstalmentRules::default())
    }
}

/// `PUT /settings` `instalments`: each field replaces the stored one when present; `null`
/// clears `plan_interest` and `hardship_isee_max`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[allow(clippy::option_option)] // `null` clears a field, absence keeps it
pub struct UpdateInstalmentSettings {
    #[serde(default)]
    pub min_amount: Option<i64>,
    #[serde(default)]
    pub brackets: Option<Vec<InstalmentBracket>>,
    #[serde(default)]
    pub lapse_after_unpaid: Option<u32>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Percent>))]
    pub plan_interest: Option<Option<Percent>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub hardship_isee_max: Option<Option<i64>>,
}

impl UpdateInstalmentSettings {
    pub fn apply(&self, current: &InstalmentRules) -> Result<InstalmentRules, DomainError> {
        let mut s = InstalmentSettings::from_rules(current);
        if let Some(v) = self.min_amount {
            s.min_amount = v;
        }
        if let Some(v) = &self.brackets {
            s.brackets = v.clone();
        }
        if let Some(v) = self.lapse_after_unpaid {
            s.lapse_after_unpaid = v;
        }
        if let Some(v) = self.plan_interest {
            s.plan_interest = v;
        }
        if let Some(v) = self.hardship_isee_max {
            s.hardship_isee_max = v;
        }
        s.to_rules()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn statement_json_shape() {
        let act = CreateAct {
            contribuente_id: "c1".into(),
            utenza_id: None,
            kind: ActKind::Ingiunzione,
            number: "ING/7".into(),
            year: 2025,
            tributo: Tributo::Tari,
            issued_on: d(2025, 8, 1),
            notified_on: None,
            components: None,
            instalments: vec![NewInstalment {
                due_date: d(2025, 10, 15),
                amount: 100_000,
            }],
        }
        .to_domain()
        .unwrap();
        let items = [StatementItem {
            id: "a1",
            ledger: ActLedger {
                act: &act,
                payments: &[],
                adjustments: &[],
            },
        }];
        let who = ContribuenteSummary {
            id: "c1".into(),
            fiscal_code: "RSSMRA80A01H501U".into(),
            name: "Mario Rossi".into(),
        };
        let s = Statement::compute(d(2026, 2, 15), who, &items, &AccountRules::default()).unwrap();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            json!({
                "as_of": "2026-02-15",
                "contribuente": {"id": "c1", "fiscal_code": "RSSMRA80A01H501U", "name": "Mario Rossi"},
                "acts": [{
                    "id": "a1", "kind": "ingiunzione", "number": "ING/7", "year": 2025, "tributo": "tari",
                    "status": "active", "total": 100_000, "paid": 0, "residual": 100_000,
                    "interest": 1298, "daily_interest": 10, "credit": 0, "discharged": 0, "plan": null,
                    "instalments": [{"n": 1, "due_date": "2025-10-15", "amount": 100_000, "paid": 0,
                                     "residual": 100_000, "days_late": 123, "interest": 1298}]
                }],
                "totals": {"total": 100_000, "paid": 0, "residual": 100_000, "interest": 1298,
                           "daily_interest": 10, "credit": 0, "discharged": 0}
            })
        );
    }

    #[test]
    fn settings_round_trip_and_partial_updates() {
        let v = serde_json::to_value(InterestSettings::default()).unwrap();
        assert_eq!(
            v["legal_rates"][7],
            json!({"from": "2026-01-01", "percent": "1.6"})
        );
        assert_eq!(v["points_by_kind"]["ingiunzione"], json!("2"));
        let upd: UpdateInterestSettings = serde_json::from_value(json!({
            "points_by_kind": {"avviso_accertamento": "0.5"}
        }))
        .unwrap();
        let rules = upd.apply(&InterestRules::default()).unwrap();
        assert_eq!(
            rules.points.get(ActKind::AvvisoAccertamento),
            Percent::from_units(5_000)
        );
        assert_eq!(rules.points.get(ActKind::Ingiunzione), Percent::points(2));
        let bad: UpdateInterestSettings =
            serde_json::from_value(json!({"points_by_kind": {"ingiunzione": 4}})).unwrap();
        assert_eq!(
            bad.apply(&rules).unwrap_err().field_errors()[0].field,
            "interest.points_by_kind.ingiunzione"
        );

        let inst = InstalmentSettings::default();
        assert_eq!(inst.to_rules().unwrap(), InstalmentRules::default());
        let v = serde_json::to_value(&inst).unwrap();
        assert_eq!(
            v["brackets"][1],
            json!({"up_to": 50000, "min_instalments": 2, "max_instalments": 4})
        );
        assert_eq!(v["brackets"][5]["up_to"], json!(null));
        let upd: UpdateInstalmentSettings =
            serde_json::from_value(json!({"min_amount": 5000, "plan_interest": "1.6"})).unwrap();
        let r = upd.apply(&InstalmentRules::default()).unwrap();
        assert_eq!(
            (r.min_amount.cents(), r.plan_interest),
            (5000, Some(Percent::from_units(16_000)))
        );
        let clear: UpdateInstalmentSettings =
            serde_json::from_value(json!({"plan_interest": null})).unwrap();
        assert_eq!(clear.apply(&r).unwrap().plan_interest, None);
        let keep: UpdateInstalmentSettings = serde_json::from_value(json!({})).unwrap();
        assert_eq!(
            keep.apply(&r).unwrap().plan_interest,
            Some(Percent::from_units(16_000))
        );
        let bad: UpdateInstalmentSettings =
            serde_json::from_value(json!({"min_amount": 20000})).unwrap();
        assert_eq!(
            bad.apply(&r).unwrap_err().field_errors()[0].field,
            "instalments.min_amount"
        );
    }

    #[test]
    fn contribuente_and_utenza_validation() {
        let person = CreateContribuente {
            fiscal_code: "rssmra80a01h501u".into(),
            first_name: Some(" Mario ".into()),
            last_name: Some("Rossi".into()),
            denominazione: None,
            residence: Some(Address {
                street: "Via Roma 1".into(),
                postal_code: Some("56100".into()),
                city: "Pisa".into(),
                province: Some("pi".into()),
            }),
            mailing_address: None,
            email: Some("Mario@Example.IT".into()),
            pec: None,
            phone: Some("333 1234567".into()),
        };
        let ok = person.normalized().unwrap();
        assert_eq!(
            (ok.fiscal_code.as_str(), ok.first_name.as_deref()),
            ("RSSMRA80A01H501U", Some("Mario"))
        );
        assert_eq!(ok.residence.unwrap().province.as_deref(), Some("PI"));
        assert_eq!(ok.phone.as_deref(), Some("+393331234567"));
        let bad = CreateContribuente {
            first_name: None,
            residence: Some(Address {
                street: String::new(),
                postal_code: Some("561".into()),
                city: "Pisa".into(),
                province: None,
            }),
            email: Some("nope".into()),
            ..person.clone()
        };
        let fields: Vec<_> = bad
            .normalized()
            .unwrap_err()
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "residence.street",
                "residence.postal_code",
                "email"
            ]
        );
        let company = CreateContribuente {
            fiscal_code: "15376371009".into(),
            first_name: None,
            last_name: None,
            ..person
        };
        assert_eq!(
            company.normalized().unwrap_err().field_errors()[0].field,
            "denominazione"
        );

        let utenza = CreateUtenza {
            contribuente_id: "c1".into(),
            code: "U001".into(),
            kind: UtenzaKind::NonDomestica,
            address: Address {
                street: "Via Roma 1".into(),
                postal_code: None,
                city: "Pisa".into(),
                province: None,
            },
            cadastral: None,
            square_meters: 0,
            occupants: Some(3),
            category: None,
            start_date: d(2025, 1, 1),
            end_date: Some(d(2024, 1, 1)),
        };
        let fields: Vec<_> = utenza
            .normalized()
            .unwrap_err()
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["square_meters", "category", "end_date"]);
    }

    #[test]
    fn adjustment_needs_an_amount_except_annulment() {
        let act = CreateAct {
            contribuente_id: "c1".into(),
            utenza_id: None,
            kind: ActKind::AvvisoOrdinario,
            number: "1".into(),
            year: 2025,
            tributo: Tributo::Tari,
            issued_on: d(2025, 3, 1),
            notified_on: None,
            components: None,
            instalments: vec![NewInstalment {
                due_date: d(2025, 5, 31),
                amount: 10_000,
            }],
        }
        .to_domain()
        .unwrap();
        let ledger = ActLedger {
            act: &act,
            payments: &[],
            adjustments: &[],
        };
        let mut req = CreateAdjustment {
            kind: AdjustmentKind::Sgravio,
            date: d(2025, 4, 1),
            amount: None,
            instalment: None,
            reason: "errore".into(),
        };
        assert_eq!(
            req.to_domain(ledger, d(2025, 4, 2))
                .unwrap_err()
                .field_errors()[0]
                .field,
            "amount"
        );
        req.amount = Some(10_000);
        assert_eq!(
            req.to_domain(ledger, d(2025, 4, 2)).unwrap().1,
            ActStatus::Sgravato
        );
        req.kind = AdjustmentKind::Annullamento;
        req.amount = None;
        assert_eq!(
            req.to_domain(ledger, d(2025, 4, 2)).unwrap().1,
            ActStatus::Annullato
        );
        // A stored act converts back to the same domain act.
        let dto = Act::from_domain("a1".into(), "c1".into(), None, &act);
        assert_eq!(dto.to_domain().unwrap(), act);
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::*;

    #[test]
    fn percent_is_a_string_and_registered() {
        #[derive(utoipa::OpenApi)]
        #[openapi(components(schemas(
            InterestSettings,
            UpdateInstalmentSettings,
            Statement,
            PlanProposal
        )))]
        struct Doc;
        let doc = serde_json::to_value(<Doc as utoipa::OpenApi>::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Percent"]["type"], "string", "{schemas}");
        assert_eq!(
            schemas["LegalRate"]["properties"]["percent"]["$ref"],
            "#/components/schemas/Percent"
        );
    }
}
