//! A sheet as an Excel workbook (.xlsx), one worksheet per section: the header row in
//! bold and frozen, numbers as numbers, dates as dates (`dd.mm.yyyy`), clock times as times,
//! and columns as wide as what they hold.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::sheet::{Cell, Section, Sheet, Style};

/// Excel's longest text in a cell.
const MAX_TEXT: usize = 32_767;

/// The sheet as the bytes of an .xlsx file, or why it cannot be one (Excel's limits: rows,
/// columns).
pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, String> {
    write(sheet).map_err(|e| e.to_string())
}

fn write(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    for section in &sheet.sections {
        let ws = book.add_worksheet();
        let name = sheet_name(&section.name, &names);
        ws.set_name(&name)?;
        names.push(name);
        write_section(ws, section, &formats)?;
    }
    if sheet.sections.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer()
}

/// The formats a cell may take.
struct Formats {
    header: Format,
    date: Format,
    time: Format,
    moment: Format,
    percent: Format,
    /// `0`, `0.0`, `0.00`, … by decimals.
    fixed: Vec<Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            // Elapsed hours, so that a session's end at 24:00 shows as 24:00.
            time: Format::new().set_num_format("[hh]:mm"),
            moment: Format::new().set_num_format("dd.mm.yyyy hh:mm"),
            percent: Format::new().set_num_format("0.0 %"),
            fixed: (0..=6)
                .map(|d| {
                    let f = if d == 0 {
                        "0".to_owned()
                    } else {
                        format!("0.{}", "0".repeat(d))
                    };
                    Format::new().set_num_format(f)
                })
                .collect(),
        }
    }
}

fn write_section(ws: &mut Worksheet, section: &Section, f: &Formats) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = section
        .columns
        .iter()
        .map(|c| c.label.chars().count())
        .collect();
    for (col, c) in section.columns.iter().enumerate() {
        ws.write_string_with_format(0, col_num(col)?, clip(&c.label), &f.header)?;
    }
    for (r, row) in section.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.iter().enumerate() {
            write_cell(ws, r, col_num(col)?, cell, f)?;
            let shown = cell.show(Style::Spreadsheet).chars().count();
            match widths.get_mut(col) {
                Some(w) => *w = (*w).max(shown),
                None => widths.push(shown),
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        // A little air; no column wider than a screenful.
        ws.set_column_width(col_num(col)?, (*w as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    if !section.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    let text = |ws: &mut Worksheet, s: &str| ws.write_string(row, col, clip(s)).map(|_| ());
    match cell {
        Cell::Empty => Ok(()),
        Cell::Text(s) => text(ws, s),
        Cell::Term { .. } | Cell::Parts { .. } | Cell::Percent { of: Some(_), .. } => {
            text(ws, &cell.show(Style::Spreadsheet))
        }
        Cell::Int(n) => ws.write_number(row, col, *n as f64).map(|_| ()),
        Cell::Number { value, decimals } if value.is_finite() => match decimals {
            Some(d) => {
                let d = (*d).min(f.fixed.len() - 1);
                let scale = 10f64.powi(d as i32);
                ws.write_number_with_format(row, col, (value * scale).round() / scale, &f.fixed[d])
                    .map(|_| ())
            }
            None => ws.write_number(row, col, *value).map(|_| ()),
        },
        Cell::Number { .. } => Ok(()),
        Cell::Percent { share, of: None } if share.is_finite() => ws
            .write_number_with_format(row, col, (share * 1000.0).round() / 1000.0, &f.percent)
            .map(|_| ()),
        Cell::Percent { .. } => Ok(()),
        Cell::Date(d) => match excel_date(*d) {
            Some(x) => ws
                .write_datetime_with_format(row, col, x, &f.date)
                .map(|_| ()),
            None => text(ws, &cell.show(Style::Spreadsheet)),
        },
        Cell::Time(t) => ws
            .write_number_with_format(row, col, t.minutes() as f64 / 1440.0, &f.time)
            .map(|_| ()),
        Cell::Moment(m) => {
            use chrono::Timelike;
            match excel_date(m.date()).and_then(|d| {
                d.and_hms(
                    u16::try_from(m.hour()).ok()?,
                    u8::try_from(m.minute()).ok()?,
                    m.second(),
                )
                .ok()
            }) {
                Some(x) => ws
                    .write_datetime_with_format(row, col, x, &f.moment)
                    .map(|_| ()),
                None => text(ws, &cell.show(Style::Spreadsheet)),
            }
        }
    }
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn col_num(col: usize) -> Result<u16, XlsxError> {
    u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Text as long as Excel takes it.
fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT {
        s.to_owned()
    } else {
        s.chars().take(MAX_TEXT).collect()
    }
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not blank,
/// not starting or ending with `'`, and unlike the names before it.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "Ark".to_owned()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        let suffix = format!(" {n}");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worksheet_names_are_ones_excel_takes() {
        assert_eq!(sheet_name("Rota", &[]), "Rota");
        assert_eq!(sheet_name("a/b:c", &[]), "a b c");
        assert_eq!(sheet_name("", &[]), "Ark");
        assert_eq!(sheet_name("Rota", &["rota".into()]), "Rota 2");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
