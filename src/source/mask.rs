//! What the text report shows of a `.tf` file: the values of secret
//! attributes, and of `sensitive(...)` expressions, masked. A snippet shows
//! the lines around a finding's attribute; a password or a key written in
//! the file itself (or a value wrapped in `sensitive()`, which the plan then
//! marks) would otherwise be printed beside a message that withholds it.
//!
//! Each masked character becomes `*` (as many bytes as it had), so that the
//! byte offsets of every span in the file stay as they were.
use std::borrow::Cow;

/// Whether an attribute of a `resource_type` block is a secret: one of
/// akslint's own secret keys, or (by its last name) one that the provider
/// schema marks sensitive for that type.
fn is_secret_name(resource_type: &str, name: &str) -> bool {
    crate::plan::SECRET_KEYS.contains(&name)
        || crate::plan::normalize::schema_sensitive(resource_type)
            .iter()
            .any(|p| p.rsplit('.').next() == Some(name))
}

/// `text` (a `.tf` file shown for a finding on a `resource_type`) with
/// secret values masked (borrowed when nothing is).
pub(crate) fn mask_secrets<'t>(text: &'t str, resource_type: &str) -> Cow<'t, str> {
    let mut out = String::new();
    let mut changed = false;
    // The terminator of the heredoc being masked.
    let mut heredoc: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
                out.push_str(line);
            } else {
                out.push_str(&stars(line));
                changed = true;
            }
            continue;
        }
        match secret_value(line, resource_type) {
            Some(start) => {
                let (head, value) = line.split_at(start);
                out.push_str(head);
                heredoc = heredoc_end(value);
                if heredoc.is_some() {
                    // The marker stays: it shows where the value is.
                    out.push_str(value);
                } else {
                    out.push_str(&stars(value));
                    changed = true;
                }
            }
            None => out.push_str(line),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Where the value of an `name = value` line starts, when it is a secret:
/// the name is one, or the value calls `sensitive(`.
fn secret_value(line: &str, resource_type: &str) -> Option<usize> {
    let rest = line.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = rest.get(..name_len)?;
    let after = rest.get(name_len..)?.trim_start();
    if name.is_empty() || !after.starts_with('=') || after.starts_with("==") {
        return None;
    }
    let value = after.get(1..)?;
    let secret =
        is_secret_name(resource_type, &name.to_ascii_lowercase()) || value.contains("sensitive(");
    secret.then(|| line.len() - value.len())
}

/// The terminator of a heredoc that a value opens (`<<EOT`, `<<-EOT`).
fn heredoc_end(value: &str) -> Option<String> {
    let v = value.trim();
    let id = v.strip_prefix("<<-").or_else(|| v.strip_prefix("<<"))?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| id.to_string())
}

/// Every character but blanks and the line break as `*`, byte for byte.
fn stars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_whitespace() {
                c.to_string()
            } else {
                "*".repeat(c.len_utf8())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_sensitive_values_are_masked_byte_for_byte() {
        let text = "resource \"x\" \"y\" {\n  client_id     = \"app\"\n  client_secret = \"s3cr3t-é\"\n  kubernetes_version = sensitive(\"1.29.7\")\n  ssh_private_key = <<-EOT\n    -----BEGIN KEY-----\n    abc\n  EOT\n  name = \"kept\" # client_secret = \"x\"\n  count = a == b ? 1 : 0\n}\n";
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert_eq!(masked.len(), text.len());
        for gone in ["s3cr3t", "1.29.7", "BEGIN KEY", "abc"] {
            assert!(!masked.contains(gone), "{gone}: {masked}");
        }
        for kept in [
            "client_id     = \"app\"",
            "name = \"kept\"",
            "<<-EOT",
            "  EOT\n",
            "a == b",
        ] {
            assert!(masked.contains(kept), "{kept}: {masked}");
        }
        // Lines keep their byte lengths: spans stay where they were.
        for (a, b) in text.split('\n').zip(masked.split('\n')) {
            assert_eq!(a.len(), b.len(), "{a} / {b}");
        }
        assert!(matches!(mask_secrets("a = 1\n", "x"), Cow::Borrowed(_)));
        // The schema's sensitive names are the resource type's own.
        let line = "  value = \"v\"\n";
        assert_eq!(mask_secrets(line, "azurerm_kubernetes_cluster"), line);
        assert_ne!(mask_secrets(line, "azuread_application_password"), line);
    }
}
