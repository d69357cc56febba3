//! Loading and error states.

use crate::prefs::use_lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use translations::text;

/// Shown while a page's data is on its way (only after hydration: the
/// server always sends the finished page).
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="loading" role="status">{text::feedback_loading(lang)}</p> }
}

/// A failure the person can act on: what happened and what to do.
#[component]
pub fn ErrorNotice(error: ServerFnError) -> impl IntoView {
    let lang = use_lang();
    // The server's own messages come as they are, in the reader's language.
    let message = match error {
        ServerFnError::ServerError(message) => message,
        _ => text::feedback_the_connection_is_unsteady_and_the(lang).to_string(),
    };
    view! {
        <div class="notice notice--error" role="alert">
            <p class="notice__title">{text::feedback_this_cannot_be_shown_right_now(lang)}</p>
            <p>{message}</p>
        </div>
    }
}

/// The message of a server function error, for a person.
pub fn error_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        // The server could not read what the form sent (a field that is not
        // a number, one missing): the form is stale or was altered.
        ServerFnError::Args(_)
        | ServerFnError::MissingArg(_)
        | ServerFnError::Deserialization(_) => {
            text::feedback_the_form_could_not_be_read(use_lang()).to_string()
        }
        _ => text::feedback_the_connection_is_unsteady_and_this(use_lang()).to_string(),
    }
}

/// A resource's result: its view once loaded, or what went wrong.
pub fn loaded<T, V>(
    resource: Resource<Result<T, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// What became of a form's last submission: nothing yet, done, or why not.
/// A plain form post comes back as a new page: its error in the page's
/// address, its success as a one-view marker the server sets
/// ([`crate::session::DONE_COOKIE`]).
#[component]
pub fn ActionOutcome<S>(action: ServerAction<S>, #[prop(into)] done: String) -> impl IntoView
where
    S: ServerFn<Error = ServerFnError, Output = ()> + Clone + Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    let done_before = crate::session::done_marker().as_deref() == Some(S::url());
    #[cfg(not(feature = "ssr"))]
    let done_before = false;
    move || match action.value().get() {
        Some(Err(error)) => view! {
            <p class="notice notice--error form-error" role="alert">{error_message(&error)}</p>
        }
        .into_any(),
        outcome => (outcome.is_some() || done_before)
            .then(|| view! { <p class="notice notice--ok" role="status">{done.clone()}</p> })
            .into_any(),
    }
}

/// The error a plain form submission came back with (in the address).
pub fn returned_error<S>() -> impl IntoView
where
    S: ServerFn<Error = ServerFnError, Output = ()> + Clone + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    move || {
        action.value().get().and_then(|r| r.err()).map(|error| {
            view! { <p class="notice notice--error form-error" role="alert">{error_message(&error)}</p> }
        })
    }
}

/// The error a plain form post to `action` came back with, carried in the
/// page's address (`?__path=…&__err=…`), for forms that are not
/// `ActionForm`s (file uploads).
pub fn error_in_address(action: &'static str) -> impl IntoView {
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<leptos::server::ServerActionError>()
        .filter(|error| error.path() == action)
        .map(|error| {
            let error: ServerFnError = ServerFnUrlError::decode_err(error.err());
            view! { <p class="notice notice--error form-error" role="alert">{error_message(&error)}</p> }
        })
}
