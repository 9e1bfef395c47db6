//! A real, minimal PDF of an invoice (one page: number, customer, due date, total, balance), with an exact
//! stream length and cross-reference table, so clients can check they received a parseable document.

use crate::amounts::decimal;
use serde_json::Value;

/// PDF strings escape backslashes and parentheses.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

pub fn invoice(invoice: &Value) -> Vec<u8> {
    let amount = |field: &str| format!("{:.2}", decimal(&invoice[field]).unwrap_or_default());
    let currency = invoice["CurrencyRef"]["value"].as_str().unwrap_or_default();
    let lines = [
        format!(
            "Invoice {}",
            invoice["DocNumber"].as_str().unwrap_or_default()
        ),
        format!(
            "Bill to: {}",
            invoice["CustomerRef"]["name"].as_str().unwrap_or_default()
        ),
        format!(
            "Due date: {}",
            invoice["DueDate"].as_str().unwrap_or_default()
        ),
        format!("Total: {currency} {}", amount("TotalAmt")),
        format!("Balance due: {currency} {}", amount("Balance")),
    ];
    let shown: Vec<String> = lines
        .iter()
        .map(|l| format!("({}) Tj", escape(l)))
        .collect();
    let text = format!("BT /F1 14 Tf 72 720 Td 20 TL {} ET", shown.join(" T* "));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", text.len(), text),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
