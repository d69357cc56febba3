//! Server functions, by area. Each is thin: read the request's portal,
//! call one backend service, map its error to a Chinese message.

pub mod public;
