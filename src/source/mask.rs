//! What the text report shows of a `.tf` file: the values of secret
//! attributes, and of `sensitive(...)` expressions, masked. A snippet shows
//! the lines around a finding's attribute; a password or a key written in
//! the file itself (or a value wrapped in `sensitive()`, which the plan then
//! marks) would otherwise be printed beside a message that withholds it.
//!
//! The file is parsed (`hcl-edit`) and each secret value's span masked,
//! whatever its shape: over several lines, in a one-line block, in an object
//! (`jsonencode({ client_secret = ... })`), the default of a `sensitive`
//! variable. A file that does not parse is masked line by line instead.
//!
//! Each masked character becomes `*` (as many bytes as it had), so that the
//! byte offsets of every span in the file stay as they were.
use std::borrow::Cow;
use std::ops::Range;

use hcl_edit::expr::{Expression, FuncCall, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::visit::{self, Visit};
use hcl_edit::Span;

/// What `Secrets::resource_type` is inside a `provider` block or a
/// state `backend` block (not a resource type).
const PROVIDER: &str = "\u{0}provider";

/// The credentials of the providers and the state backend an AKS stack
/// uses (azurerm, azuread, kubernetes, helm; the `azurerm` backend), by
/// name: their schemas mark them sensitive, and a one-line `provider`
/// block can stand right above the resource a finding is on.
const PROVIDER_SECRET_KEYS: &[&str] = &[
    "access_key",
    "client_certificate_password",
    "oidc_request_token",
    "oidc_token",
    "sas_token",
    "token",
];

/// The secret arguments of the other providers an AKS stack uses, which
/// akslint has no schema of (kubernetes, helm, azapi, local), by resource
/// type: their schemas mark them sensitive. A name matches in any block of
/// the resource (helm's `set_sensitive { value = ... }` masks every
/// `value` of the release: more than needed, never less).
const OTHER_PROVIDER_SECRETS: &[(&str, &[&str])] = &[
    ("azapi_resource", &["sensitive_body"]),
    ("azapi_resource_action", &["sensitive_body"]),
    ("azapi_update_resource", &["sensitive_body"]),
    ("helm_release", &["value"]),
    ("kubernetes_secret", &["binary_data", "data"]),
    ("kubernetes_secret_v1", &["binary_data", "data"]),
    ("local_sensitive_file", &["content", "content_base64"]),
];

/// Whether an attribute of a `resource_type` block is a secret: one of
/// akslint's own secret keys, a write-only argument (`value_wo`,
/// `password_wo`: Terraform never stores them, being secrets), or (by its
/// last name) one that the provider schema marks sensitive for that type.
fn is_secret_name(resource_type: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if resource_type == PROVIDER && PROVIDER_SECRET_KEYS.contains(&name.as_str()) {
        return true;
    }
    let other = OTHER_PROVIDER_SECRETS
        .iter()
        .find(|(t, _)| *t == resource_type)
        .is_some_and(|(_, names)| names.contains(&name.as_str()));
    other
        || name.ends_with("_wo")
        || crate::plan::SECRET_KEYS.contains(&name.as_str())
        || crate::plan::normalize::schema_sensitive(resource_type)
            .iter()
            .any(|p| p.rsplit('.').next() == Some(name.as_str()))
}

/// `text` (a `.tf` file shown for a finding on a `resource_type`) with
/// secret values masked (borrowed when nothing is).
pub(crate) fn mask_secrets<'t>(text: &'t str, resource_type: &str) -> Cow<'t, str> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return mask_lines(text, resource_type);
    };
    let mut secrets = Secrets {
        resource_type: resource_type.to_string(),
        spans: Vec::new(),
    };
    secrets.visit_body(&body);
    if secrets.spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for span in secrets.spans {
        if let Some(part) = text.get(span.clone()) {
            out.replace_range(span, &stars(part));
        }
    }
    // The line-by-line masking too: it also reaches what the parse does
    // not show as a value (a secret line in a `/* */` comment or in a
    // heredoc's text, a comment after a secret value on its line).
    let out = mask_lines(&out, resource_type).into_owned();
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// The spans of a parsed file's secret values.
struct Secrets {
    /// The type of the resource block being read (outside any: the
    /// finding's), whose schema names its sensitive attributes.
    resource_type: String,
    spans: Vec<Range<usize>>,
}

impl Secrets {
    /// Masks a value: a heredoc's text only (its markers stay, they show
    /// where the value is), any other expression whole.
    fn mask(&mut self, expr: &Expression) {
        let span = match expr {
            Expression::HeredocTemplate(h) => h.template.span(),
            other => other.span(),
        };
        self.spans.extend(span);
    }
}

impl Visit for Secrets {
    fn visit_attr(&mut self, attr: &Attribute) {
        if is_secret_name(&self.resource_type, attr.key.as_str()) || calls_sensitive(&attr.value) {
            self.mask(&attr.value);
        } else {
            visit::visit_attr(self, attr);
        }
    }

    fn visit_block(&mut self, block: &Block) {
        // A variable or output marked `sensitive = true`: its default or
        // value is a secret.
        let value = match block.ident.as_str() {
            "variable" => "default",
            "output" => "value",
            "resource" | "data" => {
                // Each resource by its own type's schema.
                let Some(type_) = block.labels.first().map(|l| l.as_str().to_string()) else {
                    return visit::visit_block(self, block);
                };
                let outer = std::mem::replace(&mut self.resource_type, type_);
                visit::visit_block(self, block);
                self.resource_type = outer;
                return;
            }
            "provider" | "backend" => {
                let outer = std::mem::replace(&mut self.resource_type, PROVIDER.to_string());
                visit::visit_block(self, block);
                self.resource_type = outer;
                return;
            }
            _ => return visit::visit_block(self, block),
        };
        if marked_sensitive(&block.body) {
            for attr in block.body.attributes() {
                if attr.key.as_str() == value {
                    self.mask(&attr.value);
                }
            }
        }
        visit::visit_block(self, block);
    }

    fn visit_object_item(&mut self, key: &ObjectKey, value: &ObjectValue) {
        let name = match key {
            ObjectKey::Ident(id) => Some(id.as_str()),
            ObjectKey::Expression(Expression::String(s)) => Some(s.as_str()),
            ObjectKey::Expression(_) => None,
        };
        if name.is_some_and(|n| is_secret_name(&self.resource_type, n))
            || calls_sensitive(value.expr())
        {
            self.mask(value.expr());
        } else {
            visit::visit_object_item(self, key, value);
        }
    }
}

/// Whether a block's body sets `sensitive = true`.
fn marked_sensitive(body: &Body) -> bool {
    body.attributes().any(|a| {
        a.key.as_str() == "sensitive" && matches!(&a.value, Expression::Bool(b) if *b.value())
    })
}

/// Whether an expression calls `sensitive()` anywhere inside it.
fn calls_sensitive(expr: &Expression) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_func_call(&mut self, call: &FuncCall) {
            if call.name.namespace.is_empty() && call.name.name.as_str() == "sensitive" {
                self.0 = true;
            } else {
                visit::visit_func_call(self, call);
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(expr);
    finder.0
}

/// The masking of a file that does not parse, line by line: the value of a
/// `name = value` line whose name is a secret or whose value calls
/// `sensitive(`, and the lines of a heredoc it opens.
fn mask_lines<'t>(text: &'t str, resource_type: &str) -> Cow<'t, str> {
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
    let secret = is_secret_name(resource_type, name) || text_calls_sensitive(value);
    secret.then(|| line.len() - value.len())
}

/// Whether a value's text calls `sensitive(` (not `nonsensitive(`).
fn text_calls_sensitive(value: &str) -> bool {
    value.match_indices("sensitive(").any(|(i, _)| {
        !value
            .get(..i)
            .and_then(|before| before.chars().next_back())
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
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

    #[test]
    fn parsed_files_mask_every_shape_of_secret() {
        let text = r#"resource "azurerm_kubernetes_cluster" "c" {
  service_principal { client_secret = "one-line-block" }
  tags = sensitive({
    a = "multi-line-call"
  })
  dns_prefix = sensitive(
    "split-call")
  settings = jsonencode({ client_secret = "in-object", name = "kept-name" })
  ssh_private_key = trimspace(<<EOT
heredoc-in-call
EOT
  )
  client_key = <<-EOT
    heredoc-body
  EOT
  location = nonsensitive(var.kept_location)
}
variable "pw" {
  default   = "variable-default"
  sensitive = true
}
variable "open" {
  default = "kept-default"
}
"#;
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert_eq!(masked.len(), text.len());
        for gone in [
            "one-line-block",
            "multi-line-call",
            "split-call",
            "in-object",
            "heredoc-in-call",
            "heredoc-body",
            "variable-default",
        ] {
            assert!(!masked.contains(gone), "{gone}: {masked}");
        }
        for kept in [
            "kept-name",
            "nonsensitive(var.kept_location)",
            "kept-default",
            "client_key = <<-EOT",
            "  EOT\n",
            "service_principal { client_secret = ",
        ] {
            assert!(masked.contains(kept), "{kept}: {masked}");
        }
        for (a, b) in text.split('\n').zip(masked.split('\n')) {
            assert_eq!(a.len(), b.len(), "{a} / {b}");
        }
    }

    #[test]
    fn each_resource_block_is_masked_by_its_own_type() {
        // `value` is sensitive in an application password, not in a cluster.
        let text = "resource \"azuread_application_password\" \"p\" {\n  value = \"pw-value\"\n}\nresource \"azurerm_kubernetes_cluster\" \"c\" {\n  value = \"kept-value\"\n}\n";
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert!(!masked.contains("pw-value"), "{masked}");
        assert!(masked.contains("kept-value"), "{masked}");
    }

    #[test]
    fn secret_lines_the_parse_does_not_show_as_values_are_masked() {
        let text = "resource \"azurerm_kubernetes_cluster\" \"c\" {\n  client_secret = var.s # was \"leak-comment\"\n  /*\n  client_secret = \"leak-block\"\n  */\n  tags = <<EOT\nclient_secret = \"leak-heredoc\"\nEOT\n}\n";
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert_eq!(masked.len(), text.len());
        for gone in ["leak-comment", "leak-block", "leak-heredoc"] {
            assert!(!masked.contains(gone), "{gone}: {masked}");
        }
    }

    #[test]
    fn provider_and_backend_credentials_are_masked() {
        // A one-line provider block right above a resource; the backend's
        // key; the same names elsewhere are no secret.
        let text = "terraform {\n  backend \"azurerm\" {\n    access_key = \"leak-backend\"\n  }\n}\nprovider \"kubernetes\" { token = \"leak-token\" }\nprovider \"helm\" {\n  kubernetes {\n    token = \"leak-nested\"\n  }\n}\nresource \"azurerm_kubernetes_cluster\" \"c\" {\n  token = \"kept-token\"\n}\n";
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert_eq!(masked.len(), text.len());
        for gone in ["leak-backend", "leak-token", "leak-nested"] {
            assert!(!masked.contains(gone), "{gone}: {masked}");
        }
        assert!(masked.contains("kept-token"), "{masked}");
    }

    #[test]
    fn other_providers_secrets_and_write_only_arguments_are_masked() {
        let text = r#"resource "kubernetes_secret" "acr" {
  data = { ".dockerconfigjson" = "leak-k8s" }
}
resource "kubernetes_secret_v1" "b" { binary_data = { k = "leak-binary" } }
resource "azapi_resource" "x" {
  type           = "kept-type"
  sensitive_body = { properties = { key = "leak-azapi" } }
}
resource "helm_release" "h" {
  set_sensitive {
    name  = "kept-name"
    value = "leak-helm"
  }
}
resource "local_sensitive_file" "f" { content = "leak-file" }
resource "azurerm_key_vault_secret" "s" {
  value_wo         = "leak-write-only"
  value_wo_version = 1
}
resource "azurerm_kubernetes_cluster" "c" {
  data = "kept-data"
}
"#;
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert_eq!(masked.len(), text.len());
        for gone in [
            "leak-k8s",
            "leak-binary",
            "leak-azapi",
            "leak-helm",
            "leak-file",
            "leak-write-only",
        ] {
            assert!(!masked.contains(gone), "{gone}: {masked}");
        }
        for kept in [
            "kept-type",
            "kept-name",
            "kept-data",
            "value_wo_version = 1",
        ] {
            assert!(masked.contains(kept), "{kept}: {masked}");
        }
    }

    #[test]
    fn unparsable_files_are_masked_line_by_line() {
        let text = "resource \"x\" \"y\" {\n  client_secret = \"s3cr3t\"\n  broken = (\n";
        let masked = mask_secrets(text, "azurerm_kubernetes_cluster");
        assert!(!masked.contains("s3cr3t"), "{masked}");
        assert!(masked.contains("broken = ("), "{masked}");
    }
}
