//! `capacity`: workforce capacity modelling for NHS psychological therapy services.
//!
//! Population x prevalence -> presenting -> detected -> referred -> stepped care -> contacts ->
//! low and high intensity WTE, skill mix and the gap against the current workforce, as
//! specified in MODEL.md. The model itself (`model`) is pure functions over plain data;
//! `inputs` and `scenario` read and validate files; `output` renders results.

pub mod area_lookup;
pub mod assess;
pub mod check;
pub mod embedded;
pub mod inputs;
pub mod model;
pub mod observed;
pub mod output;
pub mod problems;
pub mod projection;
pub mod queue;
pub mod report;
pub mod scenario;
pub mod sweep;
pub mod words;

/// Messages about inputs that are allowed but worth a look (printed on stderr by the CLI).
pub type Warnings = Vec<String>;

pub use problems::InputError;
