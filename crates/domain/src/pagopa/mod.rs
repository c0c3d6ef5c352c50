//! pagoPA.
