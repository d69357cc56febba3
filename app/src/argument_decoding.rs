//! Every server function's arguments, decoded from a request exactly as the
//! server decodes them before the function runs, and the multipart forms
//! read as the filing functions read them; nothing else of the function
//! runs and nothing touches the database (server only).
//!
//! The fuzz target `server_fn_args` feeds arbitrary requests through it; a
//! test here checks it knows every server function the portal registers,
//! so a new one cannot be left out of the fuzzing.

use crate::api::{
    account, api_keys, cases, fees, grid, outage_desk, public, reports, season, staff, telemetry,
};
use crate::form_data::read_form;
use leptos::server_fn::axum_export::body::Body;
use leptos::server_fn::{Protocol, ServerFn, ServerFnError};

/// A request as axum hands it to a server function.
pub type ServerFnRequest = http::Request<Body>;

/// What decoding made of a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// The arguments (and the form's parts, for a multipart function) were read.
    Read,
    /// The request was refused, with the error the caller would be given.
    Refused(String),
    /// No server function has this path.
    UnknownPath,
}

/// Marks arguments that decoded; the function itself is never run.
const READ: &str = "heatdesk: arguments read";

fn read<T>() -> Result<T, ServerFnError> {
    Err(ServerFnError::ServerError(READ.to_string()))
}

fn outcome<T>(result: Result<T, ServerFnError>) -> Decoded {
    match result {
        Ok(_) => Decoded::Read,
        Err(ServerFnError::ServerError(marker)) if marker == READ => Decoded::Read,
        Err(error) => Decoded::Refused(error.to_string()),
    }
}

/// Decodes `request` with the codec of the server function `$function`,
/// then hands the arguments to `$inspect` instead of the function.
macro_rules! decode_as {
    ($request:expr, $function:ty, $inspect:expr) => {{
        type F = $function;
        outcome(
            <<F as ServerFn>::Protocol as Protocol<
                F,
                <F as ServerFn>::Output,
                <F as ServerFn>::Client,
                <F as ServerFn>::Server,
                <F as ServerFn>::Error,
                <F as ServerFn>::InputStreamError,
                <F as ServerFn>::OutputStreamError,
            >>::run_server($request, $inspect)
            .await,
        )
    }};
}

/// Calls `$then!(…, [the server functions whose arguments are plain values])`.
macro_rules! with_plain_functions {
    ($then:ident $(, $argument:expr)*) => {
        $then!($($argument,)* [
            account::LoadSession,
            account::RequestCode,
            account::VerifyCode,
            account::StaffSignIn,
            account::LoadSecondFactorStep,
            account::VerifySecondFactor,
            account::SignOut,
            account::SavePreferences,
            account::LoadMyHouseholds,
            account::LoadHousehold,
            account::BindHousehold,
            account::LoadAddressPicker,
            account::BindHouseholdAt,
            account::LoadPendingBinding,
            account::ConfirmBinding,
            account::LoadBindingRequests,
            account::DecideBinding,
            account::UnbindHousehold,
            account::LoadDemoOutbox,
            account::LoadSignInOptions,
            account::StartWechatSignIn,
            account::FinishWechatSignIn,
            cases::LoadFilingForm,
            cases::TakeCaseStep,
            cases::LoadCases,
            cases::LoadCase,
            cases::CountCaseEvents,
            cases::LoadCrewJobs,
            cases::LoadQueue,
            cases::CreateIncident,
            cases::PublishIncidentOutage,
            cases::TakeOrderStep,
            cases::PlaceHotlineOrder,
            fees::LoadMyBills,
            fees::StartPayment,
            fees::LoadReceipt,
            fees::CheckPayment,
            fees::RequestInvoice,
            fees::LoadFeeOverview,
            fees::ImportBills,
            fees::SetTariff,
            grid::LoadGridDesk,
            grid::RequestFilingConsent,
            grid::LogGridVisit,
            api_keys::LoadApiKeys,
            api_keys::TakeIssuedKey,
            api_keys::IssueApiKey,
            api_keys::RevokeApiKey,
            telemetry::LoadSensorRegistry,
            telemetry::ImportSensors,
            telemetry::LoadSensor,
            telemetry::EditSensor,
            telemetry::LoadStationBoard,
            telemetry::SetSupplyCurve,
            telemetry::LoadDataFindings,
            telemetry::OpenDataIncident,
            outage_desk::LoadOutageDesk,
            outage_desk::LoadDeskOutage,
            outage_desk::LoadOutagePage,
            outage_desk::CreateOutage,
            outage_desk::EditOutage,
            outage_desk::PublishOutage,
            outage_desk::PostOutageUpdate,
            outage_desk::EndOutage,
            outage_desk::LoadOutageNewsChoice,
            outage_desk::SaveOutageNewsChoice,
            public::LoadHome,
            public::LoadOutageBoard,
            public::LoadBuildingLookup,
            reports::LoadReport,
            season::LoadSeasonDesk,
            season::PublishSeasonDecision,
            staff::LoadGridBuildings,
            staff::LoadPropertyBuildings,
            staff::LoadLookedAfterBuilding,
            staff::LoadStaffDirectory,
            staff::CreateStaffAccount,
            staff::ResetStaffPassword,
            staff::ResetSecondFactor,
            staff::SetStaffRoles,
            staff::ChangeStaffAssignment,
            staff::LoadAuditLog,
            staff::LoadCaseRules,
            staff::SetDeadlineRule,
            staff::SetDeadlineWarning,
            staff::SetOutageNotice,
            staff::SetCalendarDay,
            staff::RemoveCalendarDay,
        ])
    };
}

/// Calls `$then!(…, [the server functions that take a multipart form])`.
macro_rules! with_multipart_functions {
    ($then:ident $(, $argument:expr)*) => {
        $then!($($argument,)* [
            cases::FileTemperatureComplaint,
            cases::FileRepair,
            cases::FileApplication,
            cases::TakeCaseStepWithPhotos,
        ])
    };
}

macro_rules! paths_of {
    ([$($function:ty),+ $(,)?]) => { vec![$(<$function as ServerFn>::PATH),+] };
}

/// Returns the decoded arguments when `$path` is one of these functions'.
macro_rules! decode_plain {
    ($request:expr, $path:expr, [$($function:ty),+ $(,)?]) => {
        $(
            if $path == <$function as ServerFn>::PATH {
                return decode_as!($request, $function, |_arguments: $function| async { read() });
            }
        )+
    };
}

/// As `decode_plain`, and reads the form's parts to the end.
macro_rules! decode_multipart {
    ($request:expr, $path:expr, [$($function:ty),+ $(,)?]) => {
        $(
            if $path == <$function as ServerFn>::PATH {
                return decode_as!($request, $function, |arguments: $function| async move {
                    read_form(arguments.data).await?;
                    read()
                });
            }
        )+
    };
}

/// The paths of the server functions that take a multipart form.
pub fn multipart_paths() -> Vec<&'static str> {
    with_multipart_functions!(paths_of)
}

/// Whether the server function at `path` takes a multipart form (the
/// forms that carry files).
pub fn takes_multipart(path: &str) -> bool {
    static PATHS: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(multipart_paths);
    PATHS.contains(&path)
}

/// The paths of every server function this module decodes.
pub fn known_paths() -> Vec<&'static str> {
    let mut paths = multipart_paths();
    paths.extend(with_plain_functions!(paths_of));
    paths
}

/// Whether a request to `path` with this content type would reach a
/// multipart server function without a boundary to read it by. Leptos
/// panics on such a request, so the server refuses it first.
pub fn lacks_multipart_boundary(path: &str, content_type: Option<&str>) -> bool {
    takes_multipart(path) && content_type.is_none_or(|value| multer::parse_boundary(value).is_err())
}

/// Decodes the arguments of the server function at the request's path.
pub async fn decode_arguments(request: ServerFnRequest) -> Decoded {
    let path = request.uri().path().to_string();
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    if lacks_multipart_boundary(&path, content_type) {
        return Decoded::Refused("no multipart boundary".to_string());
    }
    with_multipart_functions!(decode_multipart, request, path);
    with_plain_functions!(decode_plain, request, path);
    Decoded::UnknownPath
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        futures::executor::block_on(future)
    }

    fn post(path: &str, content_type: &str, body: &[u8]) -> ServerFnRequest {
        http::Request::post(path)
            .header(http::header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_vec()))
            .unwrap()
    }

    fn get(path_and_query: &str) -> ServerFnRequest {
        http::Request::get(path_and_query)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn every_registered_server_function_is_decoded() {
        let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        let known: BTreeSet<&str> = known_paths().into_iter().collect();
        assert_eq!(known, registered);
        for path in registered {
            let decoded = block_on(decode_arguments(get(path)));
            assert_ne!(decoded, Decoded::UnknownPath, "{path}");
        }
    }

    #[test]
    fn arguments_of_the_right_shape_are_read() {
        let form = "application/x-www-form-urlencoded";
        let step = post(
            "/api/cases/step",
            form,
            b"case_id=7&action=close&note=%E5%A5%BD&hours=",
        );
        assert_eq!(block_on(decode_arguments(step)), Decoded::Read);
        assert_eq!(
            block_on(decode_arguments(get("/api/cases/one?id=12"))),
            Decoded::Read
        );
        let multipart = post(
            "/api/file/repair",
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nleak\r\n--b--\r\n",
        );
        assert_eq!(block_on(decode_arguments(multipart)), Decoded::Read);
    }

    #[test]
    fn arguments_of_the_wrong_shape_are_refused() {
        let form = "application/x-www-form-urlencoded";
        for request in [
            post("/api/cases/step", form, b"case_id=seven&action=close"),
            post("/api/cases/step", form, b"action=close"),
            get("/api/cases/one?id=1e99"),
            post("/api/file/repair", form, b"kind=leak"),
            post(
                "/api/file/repair",
                "multipart/form-data; boundary=b",
                b"--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nleak",
            ),
        ] {
            let path = request.uri().to_string();
            let decoded = block_on(decode_arguments(request));
            assert!(
                matches!(decoded, Decoded::Refused(_)),
                "{path}: {decoded:?}"
            );
        }
        assert_eq!(
            block_on(decode_arguments(get("/api/nothing-here"))),
            Decoded::UnknownPath
        );
    }
}
