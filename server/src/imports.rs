//! The operator's imports (`heatdesk import …`): a file read from disk,
//! checked and kept by the same services as the registry page and the
//! telemetry API, with progress on the terminal. Each answers the line to
//! print, or why the file was refused.

use crate::progress::Progress;
use backend::services::identity::RequestOrigin;
use backend::services::telemetry::{self as service, registry};
use backend::Database;
use domain::clock::UnixSeconds;
use domain::telemetry::csv_readings;
use std::io::{BufRead, BufReader};
use std::path::Path;
use translations::Lang;

/// Registers the sensors of a registry CSV, refused whole when any line
/// cannot be registered.
pub async fn sensors(db: &Database, file: &Path, now: UnixSeconds) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| unreadable(file, e))?;
    let csv = String::from_utf8(bytes)
        .map_err(|_| format!("{} 不是 UTF-8 编码的 CSV 文件", file.display()))?;
    let origin = command_origin(now);
    let mut progress = Progress::new("登记传感器", "步");
    let report = registry::register_sensors(db, None, &csv, &origin, &mut |done, total| {
        progress.update(done, total)
    })
    .await
    .map_err(|e| refused("传感器登记", &e))?;
    progress.finish();
    Ok(format!(
        "传感器已登记：新增 {} 个，更新位置 {} 个。",
        report.registered, report.moved
    ))
}

/// Imports a readings export in the API's batches, naming the first lines
/// refused and why.
pub async fn readings(db: &Database, file: &Path, now: UnixSeconds) -> Result<String, String> {
    let lines = count_lines(file)?.saturating_sub(1) as u64;
    let opened = std::fs::File::open(file).map_err(|e| unreadable(file, e))?;
    let rows = csv_readings(BufReader::new(opened)).map_err(|e| e.message())?;
    let started = std::time::Instant::now();
    let mut progress = Progress::new("导入遥测读数", "行");
    let report = service::import_readings(db, rows, now, &mut |done| {
        progress.update(done, lines.max(done))
    })
    .await
    .map_err(|e| refused("读数导入", &e))?;
    progress.finish();
    let mut answer = format!(
        "读数已导入（{:.1} 秒）：共 {} 行，新增 {} 条，重复 {} 条，拒收 {} 行。",
        started.elapsed().as_secs_f64(),
        report.lines,
        report.accepted,
        report.duplicates,
        report.refused
    );
    for refusal in &report.first_refusals {
        answer.push_str(&format!(
            "\n  第 {} 行（{}）：{}",
            refusal.row, refusal.sensor_id, refusal.message
        ));
    }
    if report.refused > report.first_refusals.len() {
        answer.push_str(&format!(
            "\n  ……另有 {} 行被拒收",
            report.refused - report.first_refusals.len()
        ));
    }
    Ok(answer)
}

/// Who did it, for the audit log: the operator at the server's console.
fn command_origin(now: UnixSeconds) -> RequestOrigin {
    RequestOrigin {
        client_addr: "命令行".to_string(),
        user_agent: "heatdesk import".to_string(),
        now,
    }
}

fn count_lines(file: &Path) -> Result<usize, String> {
    let opened = std::fs::File::open(file).map_err(|e| unreadable(file, e))?;
    let mut reader = BufReader::new(opened);
    let mut lines = 0;
    loop {
        let buffer = reader.fill_buf().map_err(|e| unreadable(file, e))?;
        if buffer.is_empty() {
            return Ok(lines);
        }
        lines += buffer.iter().filter(|&&byte| byte == b'\n').count();
        let read = buffer.len();
        reader.consume(read);
    }
}

fn unreadable(file: &Path, error: std::io::Error) -> String {
    format!("无法读取文件 {}：{error}", file.display())
}

fn refused(what: &str, error: &backend::BackendError) -> String {
    if error.is_server_fault() {
        format!("{what}失败：{}", error.log_detail())
    } else {
        format!("{what}未完成：{}", error.public_message(Lang::Zh))
    }
}
