//! What a person chose once and keeps on every page: large text and
//! language. Read from cookies on the server and from the document's root
//! element in the browser, so both render the same before and after hydration.

use leptos::prelude::*;

pub use translations::Lang;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Preferences {
    pub large_text: bool,
    pub lang: Lang,
}

impl Preferences {
    /// The preferences of the current request (server) or document (browser).
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use crate::session::{
                cookie, language_from_cookie, LANGUAGE_COOKIE, LARGE_TEXT_COOKIE,
            };
            let Some(services) = use_context::<crate::context::Services>() else {
                return Self::default();
            };
            Self {
                large_text: cookie(&services, LARGE_TEXT_COOKIE).as_deref() == Some("1"),
                lang: language_from_cookie(cookie(&services, LANGUAGE_COOKIE).as_deref()),
            }
        }
        #[cfg(not(feature = "ssr"))]
        {
            let root = leptos::prelude::document().document_element();
            Self {
                large_text: root
                    .as_ref()
                    .and_then(|r| r.get_attribute("class"))
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "large-text")),
                lang: if root.and_then(|r| r.get_attribute("lang")).as_deref() == Some("en") {
                    Lang::En
                } else {
                    Lang::Zh
                },
            }
        }
    }
}

/// The language of this page. Islands run in the browser without the
/// server's context, so there it is read off the document.
pub fn use_lang() -> Lang {
    use_context::<Preferences>()
        .unwrap_or_else(Preferences::current)
        .lang
}
