//! Line-by-line YAML colouring for the editor: keys, scalars by type, comments and
//! markers. A lexical approximation (no parse), so it never fails on half-typed text.

/// What a piece of a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Key,
    String,
    Number,
    Bool,
    Null,
    Comment,
    /// `-`, `:`, `|`, `>`, `---`, anchors and tags.
    Punct,
    /// Whitespace and flow collections, uncoloured.
    Plain,
}

impl Token {
    /// The CSS class the editor draws it with.
    pub fn class(self) -> &'static str {
        match self {
            Token::Key => "tk-key",
            Token::String => "tk-str",
            Token::Number => "tk-num",
            Token::Bool => "tk-bool",
            Token::Null => "tk-null",
            Token::Comment => "tk-com",
            Token::Punct => "tk-punct",
            Token::Plain => "tk-plain",
        }
    }
}

/// Splits one line into coloured pieces that concatenate back to the line.
pub fn highlight_line(line: &str) -> Vec<(Token, &str)> {
    let mut out = Vec::new();
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    if !indent.is_empty() {
        out.push((Token::Plain, indent));
    }
    if body.starts_with('#') {
        out.push((Token::Comment, body));
        return out;
    }
    if body.starts_with("---") || body.starts_with("...") {
        out.push((Token::Punct, &body[..3]));
        value(&body[3..], &mut out);
        return out;
    }
    let mut rest = body;
    // Sequence markers: `- `, possibly several (`- - a`).
    while rest.starts_with("- ") || rest == "-" {
        let n = rest.len().min(2);
        out.push((Token::Punct, &rest[..n]));
        rest = &rest[n..];
    }
    if let Some(colon) = key_end(rest) {
        out.push((Token::Key, &rest[..colon]));
        out.push((Token::Punct, &rest[colon..colon + 1]));
        rest = &rest[colon + 1..];
    }
    value(rest, &mut out);
    out
}

/// The byte index of the `:` ending a mapping key, if the text starts with one.
fn key_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' => return None,
            (None, b'{' | b'[') if i == 0 => return None,
            (None, b':') if bytes.get(i + 1).is_none_or(|n| *n == b' ') => return (i > 0).then_some(i),
            _ => {}
        }
    }
    None
}

fn value<'a>(s: &'a str, out: &mut Vec<(Token, &'a str)>) {
    let (scalar, comment) = split_comment(s);
    let trimmed = scalar.trim_start();
    let lead = &scalar[..scalar.len() - trimmed.len()];
    let core = trimmed.trim_end();
    let trail = &trimmed[core.len()..];
    if !lead.is_empty() {
        out.push((Token::Plain, lead));
    }
    if !core.is_empty() {
        out.push((classify(core), core));
    }
    if !trail.is_empty() {
        out.push((Token::Plain, trail));
    }
    if !comment.is_empty() {
        out.push((Token::Comment, comment));
    }
}

/// Splits off a ` # comment` that is not inside quotes.
fn split_comment(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

fn classify(v: &str) -> Token {
    match v {
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" => Token::Bool,
        "null" | "Null" | "NULL" | "~" => Token::Null,
        "|" | ">" | "|-" | ">-" | "|+" | ">+" => Token::Punct,
        _ if v.starts_with('{') || v.starts_with('[') => Token::Plain,
        _ if v.starts_with('&') || v.starts_with('*') || v.starts_with('!') => Token::Punct,
        _ if v.parse::<f64>().is_ok() || v.starts_with("0x") || v.starts_with("0o") => Token::Number,
        _ => Token::String,
    }
}

#[cfg(test)]
mod tests {
    use super::{highlight_line, Token};

    fn kinds(line: &str) -> Vec<(Token, String)> {
        let parts = highlight_line(line);
        assert_eq!(parts.iter().map(|(_, s)| *s).collect::<String>(), line, "pieces rebuild the line");
        parts.into_iter().filter(|(t, _)| *t != Token::Plain).map(|(t, s)| (t, s.to_string())).collect()
    }

    #[test]
    fn keys_values_and_comments() {
        use Token::*;
        assert_eq!(kinds("  replicas: 3"), vec![(Key, "replicas".into()), (Punct, ":".into()), (Number, "3".into())]);
        assert_eq!(
            kinds("      - name: app # the container"),
            vec![
                (Punct, "- ".into()),
                (Key, "name".into()),
                (Punct, ":".into()),
                (String, "app".into()),
                (Comment, "# the container".into())
            ]
        );
        assert_eq!(
            kinds("  image: \"nginx:1.25\""),
            vec![(Key, "image".into()), (Punct, ":".into()), (String, "\"nginx:1.25\"".into())]
        );
        assert_eq!(
            kinds("        image: nginx:1.25"),
            vec![(Key, "image".into()), (Punct, ":".into()), (String, "nginx:1.25".into())]
        );
        assert_eq!(kinds("  paused: true"), vec![(Key, "paused".into()), (Punct, ":".into()), (Bool, "true".into())]);
        assert_eq!(kinds("# a comment: with colon"), vec![(Comment, "# a comment: with colon".into())]);
        assert_eq!(kinds("---"), vec![(Punct, "---".into())]);
        assert_eq!(kinds("  matchLabels: {app: web}"), vec![(Key, "matchLabels".into()), (Punct, ":".into())]);
        assert_eq!(kinds("spec:"), vec![(Key, "spec".into()), (Punct, ":".into())]);
        assert_eq!(kinds("  - \"a: b\""), vec![(Punct, "- ".into()), (String, "\"a: b\"".into())]);
        assert_eq!(kinds(""), vec![]);
        assert_eq!(
            kinds("  sim.kubeloop.dev/ready: \"never\""),
            vec![(Key, "sim.kubeloop.dev/ready".into()), (Punct, ":".into()), (String, "\"never\"".into())]
        );
        assert_eq!(
            kinds("  ünïcode: wert"),
            vec![(Key, "ünïcode".into()), (Punct, ":".into()), (String, "wert".into())]
        );
    }
}
