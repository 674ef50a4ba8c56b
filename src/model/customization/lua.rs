//! The declarative subset of a `ResourceInterpreterCustomization`'s Lua scripts, recognised by shape,
//! never run. A script is tokenised (names, numbers, strings, symbols; comments dropped) and read as
//! one function of straight-line statements: `[local] name = expression`, `obj.<path> = name` and a final
//! `return`. Expressions are `nil`, a number, a variable, a path into the object (`obj.spec.replicas`,
//! `obj.spec["x"]`) and the `kube` helpers `accuratePodRequirements(path)` and
//! `getPodDependencies(path, obj.metadata.namespace)`. Anything else (a condition, a loop, arithmetic, a
//! helper function, a table) is refused with the line and the reason: fanout cannot know what it
//! computes without running it.
//!
//! Pure; no I/O. Pointers are RFC 6901, each step escaped.

use std::collections::BTreeMap;

/// Why a script is not in a shape fanout reads: its line (1-based) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub message: String,
}

/// What a recognised `GetReplicas` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replicas {
    pub source: ReplicaSource,
    /// The PodTemplateSpec whose requests and node claim are the per-pod requirements.
    pub template: Option<String>,
}

/// Where the replicas come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicaSource {
    /// The integer at this pointer.
    Field(String),
    /// Always this many.
    Constant(i32),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Name(String),
    Number(f64),
    Str(String),
    Symbol(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Tok {
    token: Token,
    line: usize,
}

fn refuse<T>(line: usize, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        line,
        message: message.into(),
    })
}

/// The length of a long bracket's opening (`[[`, `[==[`) at the start of `rest`, and its level.
fn long_bracket(rest: &[char]) -> Option<(usize, usize)> {
    if rest.first() != Some(&'[') {
        return None;
    }
    let level = rest[1..].iter().take_while(|&&c| c == '=').count();
    (rest.get(1 + level) == Some(&'[')).then_some((level + 2, level))
}

/// Skips past the closing `]=*]` of a long bracket of `level`; the lines it spans are counted.
fn skip_long(chars: &[char], mut i: usize, level: usize, line: &mut usize) -> Option<usize> {
    while i < chars.len() {
        if chars[i] == '\n' {
            *line += 1;
        }
        if chars[i] == ']'
            && chars[i + 1..].iter().take(level).all(|&c| c == '=')
            && chars.get(i + 1 + level) == Some(&']')
        {
            return Some(i + level + 2);
        }
        i += 1;
    }
    None
}

fn tokenize(script: &str) -> Result<Vec<Tok>, Refusal> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            i += 2;
            if let Some((open, level)) = long_bracket(&chars[i..]) {
                let start = line;
                i = match skip_long(&chars, i + open, level, &mut line) {
                    Some(end) => end,
                    None => return refuse(start, "a comment is not closed"),
                };
            } else {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok {
                token: Token::Name(chars[start..i].iter().collect()),
                line,
            });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(n) => out.push(Tok {
                    token: Token::Number(n),
                    line,
                }),
                Err(_) => return refuse(line, format!("`{text}` is not a number fanout reads")),
            }
        } else if c == '"' || c == '\'' {
            let start = line;
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None | Some('\n') => return refuse(start, "a string is not closed"),
                    Some('\\') => return refuse(start, "escapes in strings are not supported"),
                    Some(&q) if q == c => break,
                    Some(&other) => text.push(other),
                }
                i += 1;
            }
            i += 1;
            out.push(Tok {
                token: Token::Str(text),
                line: start,
            });
        } else {
            // two-character operators stay one symbol, so that they are named in refusals
            let pair: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let symbol = match pair.as_str() {
                "~=" | "==" | "<=" | ">=" | ".." | "::" | "//" | "<<" | ">>" => pair,
                _ => c.to_string(),
            };
            i += symbol.chars().count();
            out.push(Tok {
                token: Token::Symbol(symbol),
                line,
            });
        }
    }
    Ok(out)
}

/// An expression of the subset.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Nil,
    Number(f64),
    /// A name followed by field steps (`obj.spec["x"]`); no steps: a variable.
    Path(String, Vec<String>),
    /// `kube.<function>(arguments)`.
    Kube(String, Vec<Expr>),
    /// `<expression> or {}`.
    OrEmptyTable(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Statement {
    /// `[local] name = expression`.
    Let(String, Expr),
    /// `name.<steps> = expression`.
    Set(String, Vec<String>, Expr),
    Return(Vec<Expr>),
}

/// One parsed function: its parameters and statements with their lines; and whether the script
/// loads the `kube` module.
struct Function {
    params: Vec<String>,
    body: Vec<(usize, Statement)>,
    kube: bool,
}

const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.at).map(|t| &t.token)
    }

    fn line(&self) -> usize {
        self.toks
            .get(self.at)
            .or(self.toks.last())
            .map_or(1, |t| t.line)
    }

    fn is_symbol(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(x)) if x == s)
    }

    fn is_name(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(x)) if x == s)
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end of the script".to_owned(),
            Some(Token::Name(n)) if KEYWORDS.contains(&n.as_str()) => format!("`{n}`"),
            Some(Token::Name(n)) => format!("the name `{n}`"),
            Some(Token::Number(n)) => format!("the number `{n}`"),
            Some(Token::Str(s)) => format!("the string \"{s}\""),
            Some(Token::Symbol(s)) => format!("`{s}`"),
        }
    }

    fn unexpected<T>(&self, wanted: &str) -> Result<T, Refusal> {
        let found = self.describe();
        let why = match self.peek() {
            Some(Token::Name(n)) if matches!(n.as_str(), "if" | "for" | "while" | "repeat") => {
                " (conditions and loops are not read: fanout does not run Lua)".to_owned()
            }
            Some(Token::Name(n)) if n == "function" => {
                " (helper functions are not read: fanout does not run Lua)".to_owned()
            }
            Some(Token::Symbol(s)) if s == "{" => " (tables are not read)".to_owned(),
            Some(Token::Name(n)) if matches!(n.as_str(), "and" | "or" | "not") => {
                " (logical operators are not read)".to_owned()
            }
            Some(Token::Symbol(s))
                if [
                    "+", "-", "*", "/", "%", "^", "..", "#", "~=", "==", "<", ">", "<=", ">=",
                ]
                .contains(&s.as_str()) =>
            {
                " (operators are not read: fanout does not run Lua)".to_owned()
            }
            _ => String::new(),
        };
        refuse(
            self.line(),
            format!("expected {wanted}, found {found}{why}"),
        )
    }

    fn expect_symbol(&mut self, s: &str) -> Result<(), Refusal> {
        if self.is_symbol(s) {
            self.at += 1;
            Ok(())
        } else {
            self.unexpected(&format!("`{s}`"))
        }
    }

    fn name(&mut self) -> Result<String, Refusal> {
        match self.peek() {
            Some(Token::Name(n)) if !KEYWORDS.contains(&n.as_str()) => {
                let n = n.clone();
                self.at += 1;
                Ok(n)
            }
            _ => self.unexpected("a name"),
        }
    }

    /// Field steps after a name: `.x` or `["x"]`.
    fn steps(&mut self) -> Result<Vec<String>, Refusal> {
        let mut steps = Vec::new();
        loop {
            if self.is_symbol(".") {
                self.at += 1;
                steps.push(self.name()?);
            } else if self.is_symbol("[") {
                self.at += 1;
                match self.peek() {
                    Some(Token::Str(s)) => {
                        steps.push(s.clone());
                        self.at += 1;
                    }
                    _ => return self.unexpected("a string key"),
                }
                self.expect_symbol("]")?;
            } else {
                return Ok(steps);
            }
        }
    }

    fn expression(&mut self) -> Result<Expr, Refusal> {
        let expr = match self.peek() {
            Some(Token::Name(n)) if n == "nil" => {
                self.at += 1;
                Expr::Nil
            }
            Some(Token::Number(n)) => {
                let n = *n;
                self.at += 1;
                Expr::Number(n)
            }
            Some(Token::Name(n)) if !KEYWORDS.contains(&n.as_str()) => {
                let line = self.line();
                let head = self.name()?;
                let steps = self.steps()?;
                if self.is_symbol("(") {
                    if head != "kube" || steps.len() != 1 {
                        let called = std::iter::once(head.as_str())
                            .chain(steps.iter().map(String::as_str))
                            .collect::<Vec<_>>()
                            .join(".");
                        return refuse(
                            line,
                            format!(
                                "`{called}(...)` is called: fanout reads only `kube.accuratePodRequirements` and `kube.getPodDependencies`"
                            ),
                        );
                    }
                    self.at += 1;
                    let mut arguments = Vec::new();
                    if !self.is_symbol(")") {
                        arguments.push(self.expression()?);
                        while self.is_symbol(",") {
                            self.at += 1;
                            arguments.push(self.expression()?);
                        }
                    }
                    self.expect_symbol(")")?;
                    Expr::Kube(steps[0].clone(), arguments)
                } else {
                    Expr::Path(head, steps)
                }
            }
            _ => return self.unexpected("a value (`nil`, a number, a field or a `kube` call)"),
        };
        if self.is_name("or") {
            let at = self.at;
            self.at += 1;
            if self.is_symbol("{") {
                self.at += 1;
                if self.is_symbol("}") {
                    self.at += 1;
                    return Ok(Expr::OrEmptyTable(Box::new(expr)));
                }
            }
            self.at = at;
        }
        Ok(expr)
    }

    fn statement(&mut self) -> Result<(usize, Statement), Refusal> {
        let line = self.line();
        if !matches!(self.peek(), Some(Token::Name(n)) if n == "local" || n == "return" || !KEYWORDS.contains(&n.as_str()))
        {
            return self.unexpected("a statement");
        }
        if self.is_name("return") {
            self.at += 1;
            let mut values = Vec::new();
            if !self.is_name("end") {
                values.push(self.expression()?);
                while self.is_symbol(",") {
                    self.at += 1;
                    values.push(self.expression()?);
                }
            }
            return Ok((line, Statement::Return(values)));
        }
        let local = self.is_name("local");
        if local {
            self.at += 1;
        }
        let target = self.name()?;
        let steps = if local { Vec::new() } else { self.steps()? };
        self.expect_symbol("=")?;
        let value = self.expression()?;
        Ok((
            line,
            if steps.is_empty() {
                Statement::Let(target, value)
            } else {
                Statement::Set(target, steps, value)
            },
        ))
    }

    /// `[local] kube = require("kube")`, then one `function Name(params) ... end`.
    fn script(&mut self, function: &str) -> Result<Function, Refusal> {
        let mut kube = false;
        while !self.is_name("function") {
            let line = self.line();
            if self.peek().is_none() {
                return refuse(line, "the script defines no function");
            }
            if self.is_name("local") {
                self.at += 1;
            }
            let name = self.name()?;
            self.expect_symbol("=")?;
            self.expect_keyword("require")?;
            let parenthesised = self.is_symbol("(");
            if parenthesised {
                self.at += 1;
            }
            match self.peek() {
                Some(Token::Str(s)) if s == "kube" && name == "kube" => self.at += 1,
                _ => {
                    return refuse(
                        line,
                        "only `local kube = require(\"kube\")` may precede the function",
                    );
                }
            }
            if parenthesised {
                self.expect_symbol(")")?;
            }
            while self.is_symbol(";") {
                self.at += 1;
            }
            kube = true;
        }
        self.at += 1;
        let line = self.line();
        let name = self.name()?;
        if name != function {
            return refuse(line, format!("the function is `{name}`, not `{function}`"));
        }
        self.expect_symbol("(")?;
        let mut params = Vec::new();
        if !self.is_symbol(")") {
            params.push(self.name()?);
            while self.is_symbol(",") {
                self.at += 1;
                params.push(self.name()?);
            }
        }
        self.expect_symbol(")")?;
        let mut body = Vec::new();
        loop {
            while self.is_symbol(";") {
                self.at += 1;
            }
            if self.is_name("end") {
                self.at += 1;
                break;
            }
            if self.peek().is_none() {
                return self.unexpected("`end`");
            }
            body.push(self.statement()?);
        }
        while self.is_symbol(";") {
            self.at += 1;
        }
        if self.peek().is_some() {
            return self.unexpected("the end of the script after the function");
        }
        Ok(Function { params, body, kube })
    }

    fn expect_keyword(&mut self, k: &str) -> Result<(), Refusal> {
        if self.is_name(k) {
            self.at += 1;
            Ok(())
        } else {
            self.unexpected(&format!("`{k}`"))
        }
    }
}

fn parse(script: &str, function: &str, params: usize) -> Result<Function, Refusal> {
    let mut parser = Parser {
        toks: tokenize(script)?,
        at: 0,
    };
    let f = parser.script(function)?;
    if f.params.len() != params {
        return refuse(
            1,
            format!(
                "`{function}` takes {params} parameter{}, not {}",
                if params == 1 { "" } else { "s" },
                f.params.len()
            ),
        );
    }
    Ok(f)
}

/// The values of the final `return`, the statements before it substituted, and its line.
fn straight_line(f: &Function) -> Result<(usize, Vec<Expr>), Refusal> {
    let mut vars = BTreeMap::new();
    let last = f.body.len().checked_sub(1);
    for (i, (line, statement)) in f.body.iter().enumerate() {
        match statement {
            Statement::Return(values) if Some(i) == last => {
                let values = values
                    .iter()
                    .map(|v| substitute(&vars, v, *line, &f.params))
                    .collect::<Result<_, _>>()?;
                return Ok((*line, values));
            }
            Statement::Return(_) => return refuse(*line, "statements follow the `return`"),
            Statement::Let(name, value) => {
                if f.params.contains(name) {
                    return refuse(*line, format!("the parameter `{name}` is reassigned"));
                }
                let value = substitute(&vars, value, *line, &f.params)?;
                vars.insert(name.clone(), value);
            }
            Statement::Set(..) => {
                return refuse(*line, "the object is modified");
            }
        }
    }
    refuse(
        f.body.last().map_or(1, |(line, _)| *line),
        "the function does not end with `return`",
    )
}

/// Replaces variables by their values; a name that is neither a parameter, a variable nor `kube` is
/// a global fanout cannot know.
fn substitute(
    vars: &BTreeMap<String, Expr>,
    e: &Expr,
    line: usize,
    params: &[String],
) -> Result<Expr, Refusal> {
    Ok(match e {
        Expr::Path(head, steps) => match vars.get(head) {
            Some(Expr::Path(h, s)) => {
                let mut all = s.clone();
                all.extend(steps.iter().cloned());
                Expr::Path(h.clone(), all)
            }
            Some(value) if steps.is_empty() => value.clone(),
            Some(_) => return refuse(line, format!("`{head}` is not a table")),
            None if params.contains(head) => e.clone(),
            None => return refuse(line, format!("`{head}` is not defined in the script")),
        },
        Expr::Kube(name, args) => Expr::Kube(
            name.clone(),
            args.iter()
                .map(|a| substitute(vars, a, line, params))
                .collect::<Result<_, _>>()?,
        ),
        Expr::OrEmptyTable(inner) => {
            Expr::OrEmptyTable(Box::new(substitute(vars, inner, line, params)?))
        }
        other => other.clone(),
    })
}

/// A path into the object (the first parameter) as an RFC 6901 pointer.
fn pointer(e: &Expr, object: &str, line: usize, what: &str) -> Result<String, Refusal> {
    match e {
        Expr::Path(head, steps) if head == object && !steps.is_empty() => Ok(steps
            .iter()
            .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
            .collect()),
        _ => refuse(line, format!("{what} must be a field of `{object}`")),
    }
}

fn kube_call<'e>(
    e: &'e Expr,
    function: &str,
    f: &Function,
    line: usize,
) -> Result<Option<&'e [Expr]>, Refusal> {
    match e {
        Expr::Kube(name, args) if name == function => {
            if !f.kube {
                return refuse(
                    line,
                    "`kube` is used without `local kube = require(\"kube\")`",
                );
            }
            Ok(Some(args))
        }
        Expr::Kube(name, _) => refuse(
            line,
            format!("`kube.{name}` is called where `kube.{function}` is read"),
        ),
        _ => Ok(None),
    }
}

/// `function GetReplicas(obj) ... return <replicas>[, <requirements>] end`: the replicas a field of
/// `obj` or a constant, the requirements `kube.accuratePodRequirements(obj.<path>)` or nil.
pub fn get_replicas(script: &str) -> Result<Replicas, Refusal> {
    let f = parse(script, "GetReplicas", 1)?;
    let object = &f.params[0];
    let (line, values) = straight_line(&f)?;
    if values.is_empty() || values.len() > 2 {
        return refuse(
            line,
            format!(
                "`return` gives {} values, not the replicas and the requirements",
                values.len()
            ),
        );
    }
    let source = match &values[0] {
        Expr::Number(n) if n.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(n) => {
            ReplicaSource::Constant(*n as i32)
        }
        Expr::Number(n) => return refuse(line, format!("{n} is not a replica count")),
        Expr::Nil => return refuse(line, "the replicas are nil, which fails in Karmada"),
        e => ReplicaSource::Field(pointer(e, object, line, "the replicas")?),
    };
    let template = match values.get(1) {
        None | Some(Expr::Nil) => None,
        Some(e) => match kube_call(e, "accuratePodRequirements", &f, line)? {
            Some([template]) => Some(pointer(template, object, line, "the pod template")?),
            Some(_) => {
                return refuse(line, "`kube.accuratePodRequirements` takes one argument");
            }
            None => {
                return refuse(
                    line,
                    "the requirements must be `kube.accuratePodRequirements(<pod template>)` or nil",
                );
            }
        },
    };
    Ok(Replicas { source, template })
}

/// `function ReviseReplica(obj, replicas) obj.<path> = replicas return obj end`: the pointer written.
pub fn revise_replica(script: &str) -> Result<String, Refusal> {
    let f = parse(script, "ReviseReplica", 2)?;
    let (object, replicas) = (&f.params[0], &f.params[1]);
    let mut written = None;
    for (line, statement) in &f.body {
        match statement {
            Statement::Set(head, steps, Expr::Path(value, none))
                if head == object && none.is_empty() && value == replicas && written.is_none() =>
            {
                written = Some(pointer(
                    &Expr::Path(head.clone(), steps.clone()),
                    object,
                    *line,
                    "the revised field",
                )?);
            }
            Statement::Set(..) if written.is_some() => {
                return refuse(*line, "more than one field is set");
            }
            Statement::Set(..) => {
                return refuse(
                    *line,
                    format!("only `{object}.<field> = {replicas}` is read"),
                );
            }
            Statement::Return(values) if matches!(values.as_slice(), [Expr::Path(h, s)] if h == object && s.is_empty()) =>
            {
                return match written {
                    Some(p) => Ok(p),
                    None => refuse(*line, "no field is set to the replicas"),
                };
            }
            Statement::Return(_) => {
                return refuse(*line, format!("only `return {object}` is read"));
            }
            Statement::Let(..) => {
                return refuse(*line, "variables are not read in ReviseReplica");
            }
        }
    }
    refuse(
        f.body.last().map_or(1, |(line, _)| *line),
        format!("the function does not end with `return {object}`"),
    )
}

/// `function GetDependencies(obj) return kube.getPodDependencies(obj.<path>, obj.metadata.namespace)
/// end` (through a variable, with `or {}` allowed): the pod template's pointer.
pub fn get_dependencies(script: &str) -> Result<String, Refusal> {
    let f = parse(script, "GetDependencies", 1)?;
    let object = &f.params[0];
    let (line, values) = straight_line(&f)?;
    let [value] = values.as_slice() else {
        return refuse(line, "`return` must give the dependencies alone");
    };
    let value = match value {
        Expr::OrEmptyTable(inner) => inner.as_ref(),
        other => other,
    };
    match kube_call(value, "getPodDependencies", &f, line)? {
        Some([template, namespace]) => {
            let namespace_at = pointer(namespace, object, line, "the namespace")
                .ok()
                .filter(|p| p == "/metadata/namespace");
            if namespace_at.is_none() {
                return refuse(
                    line,
                    format!("the namespace must be `{object}.metadata.namespace`"),
                );
            }
            pointer(template, object, line, "the pod template")
        }
        Some(_) => refuse(line, "`kube.getPodDependencies` takes two arguments"),
        None => refuse(
            line,
            "the dependencies must be `kube.getPodDependencies(<pod template>, <namespace>)`",
        ),
    }
}

#[cfg(test)]
mod tests;
