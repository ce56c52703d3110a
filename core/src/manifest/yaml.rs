//! YAML stream -> JSON values, remembering where every field was written so that any
//! later error (decode, strict decoding, validation) can name its line and column.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Largest manifest accepted: a larger paste is refused, never a frozen tab.
pub const MAX_INPUT_BYTES: usize = 4 << 20;

/// One document of a stream, as JSON, with a position for every field path.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    /// 1-based index of the document in the stream.
    pub index: usize,
    pub value: Value,
    /// 1-based line and column of each field, keyed by Kubernetes field path
    /// (`spec.template.spec.containers[0].image`); `""` is the document itself.
    pub positions: HashMap<String, (usize, usize)>,
    /// First and last line the document spans.
    pub lines: (usize, usize),
}

impl YamlDoc {
    /// The position of `path` or of its nearest written ancestor.
    pub fn position(&self, path: &str) -> (usize, usize) {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.positions.get(&p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => return self.positions.get("").copied().unwrap_or((self.lines.0, 1)),
            }
        }
    }
}

/// A syntax error in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub doc: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn parse_stream(text: &str) -> Result<Vec<YamlDoc>, SyntaxError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(SyntaxError {
            doc: 1,
            line: 1,
            column: 1,
            message: format!("manifest is {} bytes; the limit is {} bytes", text.len(), MAX_INPUT_BYTES),
        });
    }
    let nodes = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        let m = e.marker();
        SyntaxError {
            doc: doc_index_at(text, m.line()),
            line: m.line(),
            column: m.col() + 1,
            message: format!("yaml: line {}: {}", m.line(), e.info()),
        }
    })?;
    let mut docs = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let mut positions = HashMap::new();
        let mut last_line = node.span.start.line();
        let value = to_json(node, String::new(), &mut positions, &mut last_line)
            .map_err(|(line, column, message)| SyntaxError { doc: i + 1, line, column, message })?;
        docs.push(YamlDoc {
            index: i + 1,
            value,
            positions,
            lines: (node.span.start.line(), last_line.max(end_line(node))),
        });
    }
    Ok(docs)
}

/// Which document (1-based) a line falls in, counting `---` separators before it.
fn doc_index_at(text: &str, line: usize) -> usize {
    let mut doc = 1;
    let mut seen_content = false;
    for l in text.lines().take(line.saturating_sub(1)) {
        if l.starts_with("---") {
            if seen_content {
                doc += 1;
            }
            seen_content = true;
        } else if !l.trim().is_empty() && !l.trim_start().starts_with('#') {
            seen_content = true;
        }
    }
    doc
}

type ConvError = (usize, usize, String);

/// The last line a node covers: a block ends where the next token starts, which at
/// column 0 is the line after its last.
fn end_line(node: &MarkedYamlOwned) -> usize {
    let end = node.span.end;
    if end.col() == 0 && end.line() > node.span.start.line() {
        end.line() - 1
    } else {
        end.line()
    }
}

fn to_json(
    node: &MarkedYamlOwned,
    path: String,
    positions: &mut HashMap<String, (usize, usize)>,
    last_line: &mut usize,
) -> Result<Value, ConvError> {
    let pos = (node.span.start.line(), node.span.start.col() + 1);
    *last_line = (*last_line).max(end_line(node));
    positions.entry(path.clone()).or_insert(pos);
    Ok(match &node.data {
        YamlDataOwned::Value(s) => scalar(s),
        YamlDataOwned::Representation(s, _, _) => Value::String(s.clone()),
        YamlDataOwned::Tagged(_, inner) => to_json(inner, path, positions, last_line)?,
        YamlDataOwned::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(to_json(item, format!("{path}[{i}]"), positions, last_line)?);
            }
            Value::Array(out)
        }
        YamlDataOwned::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                let key = match &k.data {
                    YamlDataOwned::Value(s) => scalar_key(s),
                    YamlDataOwned::Representation(s, _, _) => s.clone(),
                    _ => {
                        return Err((
                            k.span.start.line(),
                            k.span.start.col() + 1,
                            "yaml: mapping keys must be scalars".into(),
                        ))
                    }
                };
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                positions.insert(child.clone(), (k.span.start.line(), k.span.start.col() + 1));
                let value = to_json(v, child, positions, last_line)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        YamlDataOwned::Alias(_) => return Err((pos.0, pos.1, "yaml: unknown anchor".into())),
        YamlDataOwned::BadValue => return Err((pos.0, pos.1, "yaml: invalid value".into())),
    })
}

fn scalar(s: &ScalarOwned) -> Value {
    match s {
        ScalarOwned::Null => Value::Null,
        ScalarOwned::Boolean(b) => Value::Bool(*b),
        ScalarOwned::Integer(i) => Value::Number((*i).into()),
        ScalarOwned::FloatingPoint(f) => Number::from_f64(f.into_inner()).map(Value::Number).unwrap_or(Value::Null),
        ScalarOwned::String(s) => Value::String(s.clone()),
    }
}

fn scalar_key(s: &ScalarOwned) -> String {
    match s {
        ScalarOwned::Null => "null".into(),
        ScalarOwned::Boolean(b) => b.to_string(),
        ScalarOwned::Integer(i) => i.to_string(),
        ScalarOwned::FloatingPoint(f) => f.to_string(),
        ScalarOwned::String(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_for_every_field() {
        let docs = parse_stream("a: 1\n---\nkind: X\nspec:\n  list:\n  - name: x\n    image: y\n").unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[1];
        assert_eq!(d.index, 2);
        assert_eq!(d.positions["spec.list[0].image"], (7, 5));
        assert_eq!(d.position("spec.list[0].nope"), (6, 5));
        assert_eq!(d.value["spec"]["list"][0]["name"], "x");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_stream("a: 1\n---\nb: [1, 2\n").unwrap_err();
        assert_eq!(e.doc, 2);
        assert!(e.line >= 3, "{e:?}");
        let e = parse_stream("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("a"), "{e:?}");
    }
}
