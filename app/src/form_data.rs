//! Reads a multipart form (fields and files) inside a server function, with
//! the upload limits applied while the bytes arrive (server only).

use crate::context::{refused, to_server_error};
use backend::services::attachments::Upload;
use backend::BackendError;
use domain::uploads::{display_name, UploadRefusal, MAX_FILES_PER_FORM, MAX_UPLOAD_BYTES};
use leptos::prelude::ServerFnError;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;
use translations::{text, StaticText};

/// Text fields stay small; anything longer is not a form this portal sent.
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// A submitted form: its text fields (the last value of each name) and files.
#[derive(Debug, Default)]
pub struct SubmittedForm {
    fields: HashMap<String, String>,
    pub files: Vec<Upload>,
}

impl SubmittedForm {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// A ticked checkbox arrives as any value; an unticked one not at all.
    pub fn ticked(&self, name: &str) -> bool {
        self.fields
            .get(name)
            .is_some_and(|v| !v.is_empty() && v != "0")
    }

    pub fn number(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// A grid worker's consent proof, when the form carries one.
    pub fn consent(&self) -> Option<backend::cases::ConsentProof> {
        let token = self.text("consent_token");
        (!token.trim().is_empty()).then(|| backend::cases::ConsentProof {
            token: token.trim().to_string(),
            code: self.text("consent_code"),
        })
    }

    /// A number the form must carry; the refusal `missing` when it does not.
    pub fn required_number(&self, name: &str, missing: StaticText) -> Result<i64, ServerFnError> {
        self.number(name).ok_or_else(|| refused(missing))
    }
}

/// A form's turn among [`domain::limits::UPLOAD_FORMS_AT_ONCE`]: held until the filing is done.
pub struct UploadTurn(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

/// A form with files that files a case or takes a step on one: the
/// signed-in person's form is counted, read in its turn and handed to
/// `act`, which answers with the case; then on to the case's page.
pub async fn act_on_upload<Act, Fut>(data: MultipartData, act: Act) -> Result<(), ServerFnError>
where
    Act: FnOnce(crate::context::Call, SubmittedForm) -> Fut,
    Fut: std::future::Future<Output = Result<i64, ServerFnError>>,
{
    let mut call = crate::context::Call::signed_in().await?;
    let (form, _turn) = read_upload_form(data, &call).await?;
    // The filing happens now, after its turn came, not when the request arrived.
    call.origin = crate::session::origin(&call);
    let case_id = act(call, form).await?;
    leptos_axum::redirect(&format!("/cases/{case_id}"));
    Ok(())
}

/// Reads a form that may carry files, for a signed-in person: counted
/// against their rate first, then read when its turn comes.
async fn read_upload_form(
    data: MultipartData,
    call: &crate::context::Call,
) -> Result<(SubmittedForm, UploadTurn), ServerFnError> {
    static TURNS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    backend::services::throttle::count(
        &call.db,
        &domain::limits::UPLOAD_FORMS_PER_PERSON,
        &call.viewer.person_id.to_string(),
        call.now(),
    )
    .await
    .map_err(crate::context::to_server_error)?;
    let turns = TURNS
        .get_or_init(|| {
            std::sync::Arc::new(tokio::sync::Semaphore::new(
                domain::limits::UPLOAD_FORMS_AT_ONCE,
            ))
        })
        .clone();
    let wait = std::time::Duration::from_secs(domain::limits::UPLOAD_QUEUE_WAIT_SECONDS);
    let turn = tokio::time::timeout(wait, turns.acquire_owned())
        .await
        .map_err(|_| refused(domain::limits::UPLOAD_QUEUE_FULL))?
        .map_err(|_| refused(domain::limits::UPLOAD_QUEUE_FULL))?;
    Ok((read_form(data).await?, UploadTurn(turn)))
}

/// Reads every part; files over 5 MB are refused as soon as they pass the
/// limit, without reading the rest.
pub async fn read_form(data: MultipartData) -> Result<SubmittedForm, ServerFnError> {
    let mut multipart = data
        .into_inner()
        .ok_or_else(|| refused(text::form_malformed))?;
    let mut form = SubmittedForm::default();
    let unreadable = |_| refused(text::form_incomplete);
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let limit = if file_name.is_some() {
            MAX_UPLOAD_BYTES
        } else {
            MAX_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > limit {
                return Err(match &file_name {
                    Some(file) => to_server_error(BackendError::invalid(&UploadRefusal::TooLarge(
                        display_name(file),
                    ))),
                    None => refused(text::form_too_long),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            // An empty file input still sends a part with no name and no bytes.
            Some(_) if bytes.is_empty() => {}
            Some(file) => {
                if form.files.len() == MAX_FILES_PER_FORM {
                    return Err(to_server_error(BackendError::invalid(
                        &UploadRefusal::TooMany,
                    )));
                }
                form.files.push(Upload { name: file, bytes });
            }
            None => {
                let text = String::from_utf8(bytes).map_err(|_| refused(text::form_unreadable))?;
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}
