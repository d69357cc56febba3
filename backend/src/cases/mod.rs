//! Cases from filing to rating: a resident files a temperature complaint, a
//! repair or an application; dispatchers, crews and residents take it step
//! by step. Each use case is one transaction: the case, its timeline entry
//! and the resident's message in the outbox commit together or not at all.
//!
//! - [`opening`]: the one way a case is opened (any channel);
//! - [`filing`]: the web and Open311 forms and their rules;
//! - [`steps`]: a step, applied from its plan;
//! - [`reading`]: lists and one case's page;
//! - [`parties`]: who the viewer is on a case;
//! - [`notify`]: what the resident is sent.

pub mod filing;
pub(crate) mod notify;
pub mod opening;
pub(crate) mod parties;
pub mod reading;
pub mod steps;

pub use filing::{
    application_window_now, file_application, file_repair, file_temperature_complaint,
    ApplicationForm, RepairForm, TemperatureForm,
};
pub use opening::{open_case, ConsentProof, FirstEvent, Opened};
pub use reading::{brief, case_detail, crew_jobs, dispatch_queue, my_cases, timeline_length};
pub use steps::{take_step, StepForm};
