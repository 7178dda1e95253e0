//! Expressions printed as PostgreSQL's `ruleutils.c` prints them (`pg_get_expr`, the expression parts of
//! `pg_get_constraintdef` and `pg_get_indexdef`), with a small type inference that decides where the
//! analyser would have put implicit casts.
//!
//! Expressions are first analysed into [`TExpr`] (every node knows its type when it can be known, `None`
//! for an untyped string literal), coerced to what the context wants, then printed. Anything the analyser
//! does not understand is printed with `pg_query`'s deparser and typed unknown.

use pg_query::protobuf::{self, a_const, node::Node as N, Node};
use plumb_model::{quote_ident, quote_literal};

use crate::types::{base, category, element, numeric_rank, Category};

/// What the printer needs to know about the schema.
pub(crate) trait Env {
    /// Type of a column of the relation the expression belongs to.
    fn column_type(&self, name: &str) -> Option<String>;
    /// A type name in canonical form.
    fn type_name(&self, tn: &protobuf::TypeName) -> Result<String, String>;
    /// A function call's printed name and result type, when known.
    fn function(
        &self,
        names: &[String],
        arg_types: &[Option<String>],
    ) -> Option<(String, Option<String>)>;
    /// A relation name as `'...'::regclass` shows it.
    fn regclass(&self, text: &str) -> String;
    /// Type of a possibly qualified column reference.
    fn column_type_in(&self, fields: &[String]) -> Option<String> {
        fields.last().and_then(|n| self.column_type(n))
    }
    /// What to print before a column reference (`t` in `t.a`); none outside view queries.
    fn column_prefix(&self, _fields: &[String]) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Int(i64),
    Num(String),
    Str(String),
    Bool(bool),
    Null,
    BitStr(String),
}

/// An analysed expression.
#[derive(Debug, Clone)]
pub(crate) enum TExpr {
    Const {
        lit: Lit,
        ty: Option<String>,
    },
    Col {
        name: String,
        ty: Option<String>,
        /// Range-variable name printed before the column (view queries).
        prefix: Option<String>,
    },
    Op {
        op: String,
        left: Option<Box<TExpr>>,
        right: Box<TExpr>,
        ty: Option<String>,
    },
    Func {
        name: String,
        args: Vec<TExpr>,
        ty: Option<String>,
        star: bool,
        distinct: bool,
    },
    /// `implicit`: inserted by the analyser; shown only where PostgreSQL shows implicit casts.
    Cast {
        arg: Box<TExpr>,
        ty: String,
        implicit: bool,
    },
    Bool {
        op: &'static str,
        args: Vec<TExpr>,
    },
    Not(Box<TExpr>),
    NullTest {
        arg: Box<TExpr>,
        not: bool,
    },
    BoolTest {
        arg: Box<TExpr>,
        what: &'static str,
    },
    ScalarArray {
        left: Box<TExpr>,
        op: String,
        all: bool,
        right: Box<TExpr>,
    },
    Array {
        elems: Vec<TExpr>,
        ty: Option<String>,
    },
    Keyword {
        text: String,
        ty: Option<String>,
    },
    Case {
        arg: Option<Box<TExpr>>,
        whens: Vec<(TExpr, TExpr)>,
        default: Option<Box<TExpr>>,
        ty: Option<String>,
    },
    Special {
        name: &'static str,
        args: Vec<TExpr>,
        ty: Option<String>,
    },
    Distinct {
        left: Box<TExpr>,
        right: Box<TExpr>,
        not: bool,
    },
    Raw {
        text: String,
        ty: Option<String>,
    },
}

impl TExpr {
    pub(crate) fn ty(&self) -> Option<String> {
        match self {
            TExpr::Const { ty, .. }
            | TExpr::Col { ty, .. }
            | TExpr::Op { ty, .. }
            | TExpr::Func { ty, .. }
            | TExpr::Array { ty, .. }
            | TExpr::Keyword { ty, .. }
            | TExpr::Case { ty, .. }
            | TExpr::Special { ty, .. }
            | TExpr::Raw { ty, .. } => ty.clone(),
            TExpr::Cast { ty, .. } => Some(ty.clone()),
            TExpr::Bool { .. }
            | TExpr::Not(_)
            | TExpr::NullTest { .. }
            | TExpr::BoolTest { .. }
            | TExpr::ScalarArray { .. }
            | TExpr::Distinct { .. } => Some("boolean".into()),
        }
    }

    fn is_unknown_literal(&self) -> bool {
        matches!(
            self,
            TExpr::Const {
                lit: Lit::Str(_) | Lit::Null,
                ty: None
            }
        )
    }

    /// Column names this expression reads.
    pub(crate) fn columns(&self, out: &mut Vec<String>) {
        match self {
            TExpr::Col { name, .. } => {
                if !out.contains(name) {
                    out.push(name.clone())
                }
            }
            TExpr::Const { .. } | TExpr::Keyword { .. } | TExpr::Raw { .. } => {}
            TExpr::Op { left, right, .. } => {
                if let Some(l) = left {
                    l.columns(out);
                }
                right.columns(out);
            }
            TExpr::Func { args, .. }
            | TExpr::Bool { args, .. }
            | TExpr::Array { elems: args, .. }
            | TExpr::Special { args, .. } => args.iter().for_each(|a| a.columns(out)),
            TExpr::Cast { arg, .. }
            | TExpr::Not(arg)
            | TExpr::NullTest { arg, .. }
            | TExpr::BoolTest { arg, .. } => arg.columns(out),
            TExpr::ScalarArray { left, right, .. } | TExpr::Distinct { left, right, .. } => {
                left.columns(out);
                right.columns(out);
            }
            TExpr::Case {
                arg,
                whens,
                default,
                ..
            } => {
                if let Some(a) = arg {
                    a.columns(out);
                }
                for (w, t) in whens {
                    w.columns(out);
                    t.columns(out);
                }
                if let Some(d) = default {
                    d.columns(out);
                }
            }
        }
    }
}

/// The string values of a list of name nodes (`schema`, `name`, ...), as pg_query gives a dotted name.
pub(crate) fn node_strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(N::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// Deparse a lone expression through `SELECT <expr>`.
pub(crate) fn deparse_expr(node: &Node) -> String {
    let select = protobuf::SelectStmt {
        target_list: vec![Node {
            node: Some(N::ResTarget(Box::new(protobuf::ResTarget {
                name: String::new(),
                indirection: vec![],
                val: Some(Box::new(node.clone())),
                location: 0,
            }))),
        }],
        limit_option: protobuf::LimitOption::Default as i32,
        op: protobuf::SetOperation::SetopNone as i32,
        ..Default::default()
    };
    let n = N::SelectStmt(Box::new(select));
    match n.deparse(Default::default()) {
        Ok(s) => s.strip_prefix("SELECT ").map(str::to_string).unwrap_or(s),
        Err(_) => "?".to_string(),
    }
}

fn op_result(op: &str, l: &Option<String>, r: &Option<String>) -> Option<String> {
    match op {
        "=" | "<>" | "<" | ">" | "<=" | ">=" | "~~" | "!~~" | "~~*" | "!~~*" | "~" | "~*"
        | "!~" | "!~*" | "@>" | "<@" | "&&" | "?" | "?|" | "?&" | "@@" | "@?" => {
            Some("boolean".into())
        }
        "||" => match (l, r) {
            (Some(a), _) if a.ends_with("[]") => Some(a.clone()),
            (_, Some(b)) if b.ends_with("[]") => Some(b.clone()),
            (Some(a), _) if a == "jsonb" => Some("jsonb".into()),
            _ => Some("text".into()),
        },
        "->>" | "#>>" => Some("text".into()),
        "->" | "#>" | "-" | "#-" if l.as_deref() == Some("jsonb") => Some("jsonb".into()),
        "->" | "#>" if l.as_deref() == Some("json") => Some("json".into()),
        "+" | "-" | "*" | "/" | "%" => {
            let (l, r) = (l.as_deref(), r.as_deref());
            match (l.map(base).as_deref(), r.map(base).as_deref()) {
                (Some("date"), Some("integer")) => Some("date".into()),
                (Some("date"), Some("date")) if op == "-" => Some("integer".into()),
                (Some(a), Some("interval")) if a.starts_with("timestamp") => l.map(str::to_string),
                (Some(a), Some(b)) if a.starts_with("timestamp") && b == a && op == "-" => {
                    Some("interval".into())
                }
                (Some("interval"), Some("interval")) => Some("interval".into()),
                _ => match (l.and_then(numeric_rank), r.and_then(numeric_rank)) {
                    (Some(a), Some(b)) => {
                        if a >= b {
                            l.map(base)
                        } else {
                            r.map(base)
                        }
                    }
                    _ => l.or(r).map(str::to_string),
                },
            }
        }
        _ => None,
    }
}

fn implicit(e: TExpr, ty: &str) -> TExpr {
    TExpr::Cast {
        arg: Box::new(e),
        ty: ty.to_string(),
        implicit: true,
    }
}

/// Give an expression the type `target` the way the analyser would: literals become constants of that
/// type, other expressions get an implicit cast when their type differs.
pub(crate) fn coerce(e: TExpr, target: &str) -> TExpr {
    match e {
        TExpr::Const {
            lit: Lit::Str(s),
            ty: None,
        } => typed_string_const(s, target),
        TExpr::Const {
            lit: Lit::Null,
            ty: None,
        } => TExpr::Const {
            lit: Lit::Null,
            ty: Some(target.into()),
        },
        TExpr::Array { elems, ty: None } => {
            let el = element(target).unwrap_or(target).to_string();
            TExpr::Array {
                elems: elems.into_iter().map(|x| coerce(x, &el)).collect(),
                ty: Some(target.into()),
            }
        }
        e => match e.ty() {
            Some(t) if t == target => e,
            // Varchar to text, typmod changes: binary-compatible relabelling, still shown as a cast.
            Some(_) => implicit(e, target),
            None => e,
        },
    }
}

/// An untyped literal converted by the type's input function. The constant has the type without its
/// modifier (a length or precision is applied by a separate, hidden coercion).
fn typed_string_const(s: String, target: &str) -> TExpr {
    let target = &base(target);
    match base(target).as_str() {
        "integer" | "smallint" | "bigint" if s.trim().parse::<i64>().is_ok() => {
            let v = s.trim().parse::<i64>().unwrap_or(0);
            TExpr::Const {
                lit: Lit::Int(v),
                ty: Some(target.into()),
            }
        }
        "boolean" => match s.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => TExpr::Const {
                lit: Lit::Bool(true),
                ty: Some(target.into()),
            },
            "f" | "false" | "n" | "no" | "off" | "0" => TExpr::Const {
                lit: Lit::Bool(false),
                ty: Some(target.into()),
            },
            _ => TExpr::Const {
                lit: Lit::Str(s),
                ty: Some(target.into()),
            },
        },
        "date" | "timestamp without time zone" | "timestamp with time zone" => {
            let lit = normalize_datetime(&s, target).unwrap_or(s);
            TExpr::Const {
                lit: Lit::Str(lit),
                ty: Some(target.into()),
            }
        }
        "numeric" if s.trim().parse::<f64>().is_ok() => TExpr::Const {
            lit: Lit::Num(s.trim().to_string()),
            ty: Some(target.into()),
        },
        _ => TExpr::Const {
            lit: Lit::Str(s),
            ty: Some(target.into()),
        },
    }
}

/// The type two operands are brought to for a comparison or arithmetic operator, and whether each side
/// needs a cast to it. `None` when no cast is needed on either side.
fn unify(l: &Option<String>, r: &Option<String>) -> (Option<String>, Option<String>) {
    let (Some(lt), Some(rt)) = (l, r) else {
        return (None, None);
    };
    let (lb, rb) = (base(lt), base(rt));
    let is_varchar = |t: &str| t.starts_with("character varying");
    if lb == rb {
        if is_varchar(&lb) {
            return (Some("text".into()), Some("text".into()));
        }
        return (None, None);
    }
    match (category(lt), category(rt)) {
        (Category::Numeric, Category::Numeric) => {
            let (a, b) = (numeric_rank(lt).unwrap_or(0), numeric_rank(rt).unwrap_or(0));
            // Integer types compare and combine across widths without casts.
            if a <= 3 && b <= 3 {
                return (None, None);
            }
            if a < b {
                (Some(rb), None)
            } else {
                (None, Some(lb))
            }
        }
        // text = name and name = text have their own operators.
        (Category::String, Category::String)
            if (lb == "name" && rb == "text") || (lb == "text" && rb == "name") =>
        {
            (None, None)
        }
        (Category::String, Category::String) => {
            let text = |t: &str| {
                if t == "text" {
                    None
                } else {
                    Some("text".to_string())
                }
            };
            (text(&lb), text(&rb))
        }
        _ => (None, None),
    }
}

pub(crate) struct Analyzer<'a, E: Env> {
    pub(crate) env: &'a E,
}

impl<'a, E: Env> Analyzer<'a, E> {
    pub(crate) fn analyze(&self, node: &Node) -> Result<TExpr, String> {
        let Some(n) = &node.node else {
            return Err("empty expression".into());
        };
        Ok(match n {
            N::AConst(c) => TExpr::Const {
                lit: a_const(c),
                ty: a_const_type(c),
            },
            N::ColumnRef(c) => {
                let fields = node_strings(&c.fields);
                match fields.last() {
                    Some(name)
                        if fields.len() == 1 || self.env.column_type_in(&fields).is_some() =>
                    {
                        TExpr::Col {
                            name: name.clone(),
                            ty: self.env.column_type_in(&fields),
                            prefix: self.env.column_prefix(&fields),
                        }
                    }
                    _ => TExpr::Raw {
                        text: deparse_expr(node),
                        ty: None,
                    },
                }
            }
            N::TypeCast(tc) => {
                let arg = self.analyze(tc.arg.as_deref().ok_or("cast without argument")?)?;
                let ty = match &tc.type_name {
                    Some(tn) => self.env.type_name(tn)?,
                    None => return Err("cast without type".into()),
                };
                match arg {
                    TExpr::Const {
                        lit: Lit::Str(s),
                        ty: None,
                    } => {
                        let c = typed_string_const(s, &ty);
                        if base(&ty) == "regclass" {
                            if let TExpr::Const {
                                lit: Lit::Str(s), ..
                            } = &c
                            {
                                return Ok(TExpr::Const {
                                    lit: Lit::Str(self.env.regclass(s)),
                                    ty: Some("regclass".into()),
                                });
                            }
                        }
                        c
                    }
                    TExpr::Const {
                        lit: Lit::Null,
                        ty: None,
                    } => TExpr::Const {
                        lit: Lit::Null,
                        ty: Some(ty),
                    },
                    TExpr::Array { elems, ty: None } => {
                        coerce(TExpr::Array { elems, ty: None }, &ty)
                    }
                    other => TExpr::Cast {
                        arg: Box::new(other),
                        ty,
                        implicit: false,
                    },
                }
            }
            N::AExpr(a) => self.a_expr(a, node)?,
            N::BoolExpr(b) => {
                let mut args = Vec::new();
                for x in &b.args {
                    args.push(coerce(self.analyze(x)?, "boolean"));
                }
                match b.boolop() {
                    protobuf::BoolExprType::AndExpr => TExpr::Bool { op: "AND", args },
                    protobuf::BoolExprType::OrExpr => TExpr::Bool { op: "OR", args },
                    _ => match args.pop() {
                        Some(a) => TExpr::Not(Box::new(a)),
                        None => return Err("NOT without argument".into()),
                    },
                }
            }
            N::NullTest(t) => TExpr::NullTest {
                arg: Box::new(self.analyze(t.arg.as_deref().ok_or("IS NULL without argument")?)?),
                not: t.nulltesttype() == protobuf::NullTestType::IsNotNull,
            },
            N::BooleanTest(t) => {
                use protobuf::BoolTestType as B;
                let what = match t.booltesttype() {
                    B::IsTrue => "IS TRUE",
                    B::IsNotTrue => "IS NOT TRUE",
                    B::IsFalse => "IS FALSE",
                    B::IsNotFalse => "IS NOT FALSE",
                    B::IsUnknown => "IS UNKNOWN",
                    _ => "IS NOT UNKNOWN",
                };
                TExpr::BoolTest {
                    arg: Box::new(self.analyze(t.arg.as_deref().ok_or("test without argument")?)?),
                    what,
                }
            }
            N::FuncCall(f) => self.func_call(f, node)?,
            N::SqlvalueFunction(s) => sql_value(s),
            N::CoalesceExpr(c) => {
                let args = self.analyze_all(&c.args)?;
                let (args, ty) = common_type(args);
                TExpr::Special {
                    name: "COALESCE",
                    args,
                    ty,
                }
            }
            N::MinMaxExpr(m) => {
                let args = self.analyze_all(&m.args)?;
                let (args, ty) = common_type(args);
                let name = if m.op() == protobuf::MinMaxOp::IsGreatest {
                    "GREATEST"
                } else {
                    "LEAST"
                };
                TExpr::Special { name, args, ty }
            }
            N::AArrayExpr(a) => {
                let elems = self.analyze_all(&a.elements)?;
                let (elems, ty) = common_type(elems);
                TExpr::Array {
                    elems,
                    ty: ty.map(|t| format!("{t}[]")),
                }
            }
            N::CaseExpr(c) => {
                let arg = match &c.arg {
                    Some(a) => Some(Box::new(self.analyze(a)?)),
                    None => None,
                };
                let mut conds = Vec::new();
                let mut results = Vec::new();
                for w in &c.args {
                    if let Some(N::CaseWhen(w)) = &w.node {
                        let cond =
                            self.analyze(w.expr.as_deref().ok_or("WHEN without condition")?)?;
                        conds.push(if arg.is_some() {
                            cond
                        } else {
                            coerce(cond, "boolean")
                        });
                        results
                            .push(self.analyze(w.result.as_deref().ok_or("WHEN without result")?)?);
                    }
                }
                let default = match &c.defresult {
                    Some(d) => Some(self.analyze(d)?),
                    None => None,
                };
                let n = results.len();
                let mut all = results;
                all.extend(default);
                let (mut all, ty) = common_type(all);
                let default = if all.len() > n {
                    all.pop().map(Box::new)
                } else {
                    None
                };
                TExpr::Case {
                    arg,
                    whens: conds.into_iter().zip(all).collect(),
                    default,
                    ty,
                }
            }
            N::CollateClause(_)
            | N::SubLink(_)
            | N::RowExpr(_)
            | N::AIndirection(_)
            | N::ParamRef(_) => TExpr::Raw {
                text: deparse_expr(node),
                ty: None,
            },
            _ => TExpr::Raw {
                text: deparse_expr(node),
                ty: None,
            },
        })
    }

    fn analyze_all(&self, nodes: &[Node]) -> Result<Vec<TExpr>, String> {
        nodes.iter().map(|n| self.analyze(n)).collect()
    }

    fn a_expr(&self, a: &protobuf::AExpr, node: &Node) -> Result<TExpr, String> {
        use protobuf::AExprKind as K;
        let names = node_strings(&a.name);
        let mut op = names.last().cloned().unwrap_or_default();
        if op == "!=" {
            op = "<>".into();
        }
        let left = match &a.lexpr {
            Some(l) => Some(self.analyze(l)?),
            None => None,
        };
        let rnode = a.rexpr.as_deref();
        Ok(match a.kind() {
            K::AexprOp => {
                let right = self.analyze(rnode.ok_or("operator without right operand")?)?;
                match left {
                    None => {
                        let ty = right.ty();
                        TExpr::Op {
                            op,
                            left: None,
                            right: Box::new(right),
                            ty,
                        }
                    }
                    Some(l) => self.binary(op, l, right),
                }
            }
            K::AexprLike | K::AexprIlike => {
                let op = match (a.kind(), op.as_str()) {
                    (K::AexprLike, "~~") => "~~",
                    (K::AexprLike, _) => "!~~",
                    (_, "~~*") => "~~*",
                    _ => "!~~*",
                };
                let right = self.analyze(rnode.ok_or("LIKE without pattern")?)?;
                let l = left.ok_or("LIKE without operand")?;
                self.binary(op.to_string(), l, right)
            }
            K::AexprIn => {
                let l = left.ok_or("IN without operand")?;
                let items = match rnode.and_then(|r| r.node.as_ref()) {
                    Some(N::List(list)) => self.analyze_all(&list.items)?,
                    _ => {
                        return Ok(TExpr::Raw {
                            text: deparse_expr(node),
                            ty: Some("boolean".into()),
                        })
                    }
                };
                let all = op == "<>";
                self.scalar_array(op, all, l, items)
            }
            K::AexprOpAny | K::AexprOpAll => {
                let l = left.ok_or("ANY without operand")?;
                let r = self.analyze(rnode.ok_or("ANY without array")?)?;
                let all = a.kind() == K::AexprOpAll;
                let lt = l.ty();
                let (l, r) = match (&lt, r.ty()) {
                    (Some(t), None) => (l, coerce(r, &format!("{}[]", base(t)))),
                    _ => (l, r),
                };
                TExpr::ScalarArray {
                    left: Box::new(l),
                    op,
                    all,
                    right: Box::new(r),
                }
            }
            K::AexprBetween | K::AexprNotBetween => {
                let l = left.ok_or("BETWEEN without operand")?;
                let bounds = match rnode.and_then(|r| r.node.as_ref()) {
                    Some(N::List(list)) if list.items.len() == 2 => {
                        self.analyze_all(&list.items)?
                    }
                    _ => {
                        return Ok(TExpr::Raw {
                            text: deparse_expr(node),
                            ty: Some("boolean".into()),
                        })
                    }
                };
                let mut it = bounds.into_iter();
                let (lo, hi) = match (it.next(), it.next()) {
                    (Some(a), Some(b)) => (a, b),
                    _ => return Err("BETWEEN needs two bounds".into()),
                };
                if a.kind() == K::AexprBetween {
                    TExpr::Bool {
                        op: "AND",
                        args: vec![
                            self.binary(">=".into(), l.clone(), lo),
                            self.binary("<=".into(), l, hi),
                        ],
                    }
                } else {
                    TExpr::Bool {
                        op: "OR",
                        args: vec![
                            self.binary("<".into(), l.clone(), lo),
                            self.binary(">".into(), l, hi),
                        ],
                    }
                }
            }
            K::AexprDistinct | K::AexprNotDistinct => {
                let l = left.ok_or("IS DISTINCT FROM without operand")?;
                let r = self.analyze(rnode.ok_or("IS DISTINCT FROM without operand")?)?;
                let (l, r) = self.coerce_pair(l, r);
                TExpr::Distinct {
                    left: Box::new(l),
                    right: Box::new(r),
                    not: a.kind() == K::AexprNotDistinct,
                }
            }
            K::AexprNullif => {
                let l = left.ok_or("NULLIF without operand")?;
                let r = self.analyze(rnode.ok_or("NULLIF without operand")?)?;
                let (l, r) = self.coerce_pair(l, r);
                let ty = l.ty();
                TExpr::Special {
                    name: "NULLIF",
                    args: vec![l, r],
                    ty,
                }
            }
            _ => TExpr::Raw {
                text: deparse_expr(node),
                ty: None,
            },
        })
    }

    fn coerce_pair(&self, l: TExpr, r: TExpr) -> (TExpr, TExpr) {
        let (lt, rt) = (l.ty(), r.ty());
        match (&lt, &rt) {
            (Some(t), None) if r.is_unknown_literal() => {
                let t = if t.starts_with("character varying") {
                    "text".to_string()
                } else {
                    t.clone()
                };
                (coerce(l, &t), coerce(r, &t))
            }
            (None, Some(t)) if l.is_unknown_literal() => {
                let t = if t.starts_with("character varying") {
                    "text".to_string()
                } else {
                    t.clone()
                };
                (coerce(l, &t), coerce(r, &t))
            }
            (None, None) if l.is_unknown_literal() && r.is_unknown_literal() => {
                (coerce(l, "text"), coerce(r, "text"))
            }
            _ => {
                let (lc, rc) = unify(&lt, &rt);
                let l = match lc {
                    Some(t) => coerce(l, &t),
                    None => l,
                };
                let r = match rc {
                    Some(t) => coerce(r, &t),
                    None => r,
                };
                (l, r)
            }
        }
    }

    fn binary(&self, op: String, l: TExpr, r: TExpr) -> TExpr {
        let (l, r) = match op.as_str() {
            "->>" | "->" | "?" | "#>>" | "#>"
                if l.ty().is_some_and(|t| t == "jsonb" || t == "json") =>
            {
                let target = if op.starts_with('#') {
                    "text[]"
                } else {
                    "text"
                };
                let r = match &r {
                    TExpr::Const {
                        lit: Lit::Int(_), ..
                    } => r,
                    _ => coerce(r, target),
                };
                (l, r)
            }
            "||" if l.ty().is_some_and(|t| !t.ends_with("[]") && t != "jsonb")
                || r.ty().is_some_and(|t| !t.ends_with("[]") && t != "jsonb") =>
            {
                let to_text = |e: TExpr| match e.ty() {
                    Some(t) if t == "text" => e,
                    Some(t) if category(&t) == Category::String => coerce(e, "text"),
                    None => coerce(e, "text"),
                    _ => e,
                };
                (to_text(l), to_text(r))
            }
            "~~" | "!~~" | "~~*" | "!~~*" | "~" | "~*" | "!~" | "!~*" => {
                let to_text = |e: TExpr| match e.ty() {
                    Some(t) if t.starts_with("character(") || t == "bpchar" => coerce(e, "bpchar"),
                    Some(t) if t == "text" => e,
                    _ => coerce(e, "text"),
                };
                (to_text(l), to_text(r))
            }
            _ => self.coerce_pair(l, r),
        };
        let ty = op_result(&op, &l.ty(), &r.ty());
        TExpr::Op {
            op,
            left: Some(Box::new(l)),
            right: Box::new(r),
            ty,
        }
    }

    fn scalar_array(&self, op: String, all: bool, l: TExpr, items: Vec<TExpr>) -> TExpr {
        let lt = l.ty();
        let (items, ity) = common_type(items);
        let elem_ty = match (&lt, &ity) {
            (Some(t), None) => Some(t.clone()),
            (Some(t), Some(i)) => {
                let (_, ic) = unify(&Some(t.clone()), &Some(i.clone()));
                Some(ic.unwrap_or_else(|| i.clone()))
            }
            (None, Some(i)) => Some(i.clone()),
            (None, None) => Some("text".into()),
        };
        let elem_ty = elem_ty.unwrap_or_else(|| "text".into());
        let items: Vec<TExpr> = items.into_iter().map(|x| coerce(x, &elem_ty)).collect();
        let arr = TExpr::Array {
            elems: items,
            ty: Some(format!("{}[]", base(&elem_ty))),
        };
        // A varchar operand compares as text: the column and the whole array are cast.
        let (l, arr) = if lt
            .as_deref()
            .is_some_and(|t| t.starts_with("character varying"))
        {
            (coerce(l, "text"), coerce(arr, "text[]"))
        } else {
            let (lc, _) = unify(&lt, &Some(elem_ty.clone()));
            match lc {
                Some(t) => (coerce(l, &t), arr),
                None => (l, arr),
            }
        };
        TExpr::ScalarArray {
            left: Box::new(l),
            op,
            all,
            right: Box::new(arr),
        }
    }

    fn func_call(&self, f: &protobuf::FuncCall, node: &Node) -> Result<TExpr, String> {
        if f.over.is_some()
            || f.agg_filter.is_some()
            || !f.agg_order.is_empty()
            || f.agg_within_group
        {
            return Ok(TExpr::Raw {
                text: deparse_expr(node),
                ty: None,
            });
        }
        let names = node_strings(&f.funcname);
        let args = self.analyze_all(&f.args)?;
        if f.funcformat() == protobuf::CoercionForm::CoerceSqlSyntax {
            return Ok(TExpr::Raw {
                text: deparse_expr(node),
                ty: None,
            });
        }
        let tys: Vec<Option<String>> = args.iter().map(|a| a.ty()).collect();
        let lname = names.last().cloned().unwrap_or_default();
        let catalog = names.len() == 1 || names.first().is_some_and(|s| s == "pg_catalog");
        if catalog && matches!(lname.as_str(), "max" | "min" | "array_agg") && args.len() == 1 {
            let ty = tys[0].clone().map(|t| {
                if lname == "array_agg" {
                    format!("{}[]", base(&t))
                } else {
                    t
                }
            });
            return Ok(TExpr::Func {
                name: lname,
                args,
                ty,
                star: f.agg_star,
                distinct: f.agg_distinct,
            });
        }
        if catalog {
            if let Some((params, ret)) = builtin_function(&lname, &tys) {
                let args = args
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| match params.get(i).copied().flatten() {
                        Some(p) => arg_coerce(a, p),
                        None => a,
                    })
                    .collect();
                let ty = ret.map(str::to_string);
                return Ok(TExpr::Func {
                    name: quote_ident(&lname),
                    args,
                    ty,
                    star: f.agg_star,
                    distinct: f.agg_distinct,
                });
            }
        }
        if lname == "nextval" && catalog && args.len() == 1 {
            let mut args = args;
            if let Some(TExpr::Const {
                lit: Lit::Str(s),
                ty: None,
            }) = args.first().cloned()
            {
                args[0] = TExpr::Const {
                    lit: Lit::Str(self.env.regclass(&s)),
                    ty: Some("regclass".into()),
                };
            }
            return Ok(TExpr::Func {
                name: "nextval".into(),
                args,
                ty: Some("bigint".into()),
                star: false,
                distinct: false,
            });
        }
        let (name, ty) = match self.env.function(&names, &tys) {
            Some((n, t)) => (n, t),
            None => (
                names
                    .iter()
                    .map(|n| quote_ident(n))
                    .collect::<Vec<_>>()
                    .join("."),
                None,
            ),
        };
        // Untyped literals passed to a function PostgreSQL resolves are usually text.
        let args = args
            .into_iter()
            .map(|a| {
                if a.is_unknown_literal() {
                    coerce(a, "text")
                } else {
                    a
                }
            })
            .collect();
        Ok(TExpr::Func {
            name,
            args,
            ty,
            star: f.agg_star,
            distinct: f.agg_distinct,
        })
    }
}

fn arg_coerce(a: TExpr, param: &str) -> TExpr {
    match param {
        // Polymorphic parameters take the argument as it is.
        "any" => {
            if a.is_unknown_literal() {
                coerce(a, "text")
            } else {
                a
            }
        }
        "text" => match a.ty() {
            Some(t) if t == "text" => a,
            Some(t) if category(&t) == Category::String => coerce(a, "text"),
            Some(_) => a,
            None => coerce(a, "text"),
        },
        p => coerce(a, p),
    }
}

type Sig = (Vec<Option<&'static str>>, Option<&'static str>);

/// Parameter types (None: leave the argument alone) and result type of common built-in functions.
fn builtin_function(name: &str, tys: &[Option<String>]) -> Option<Sig> {
    let first = tys.first().cloned().flatten();
    let text1 = (vec![Some("text")], Some("text"));
    Some(match name {
        "now" | "statement_timestamp" | "clock_timestamp" | "transaction_timestamp" => {
            (vec![], Some("timestamp with time zone"))
        }
        "timeofday" => (vec![], Some("text")),
        "gen_random_uuid" => (vec![], Some("uuid")),
        "random" => (vec![], Some("double precision")),
        "lower" | "upper" | "btrim" | "ltrim" | "rtrim" | "initcap" | "md5" | "reverse" => {
            let mut p = vec![Some("text")];
            p.extend(tys.iter().skip(1).map(|_| Some("text")));
            (p, text1.1)
        }
        "length" | "char_length" | "character_length" | "octet_length" | "bit_length" => {
            (vec![Some("text")], Some("integer"))
        }
        "replace" | "translate" => (vec![Some("text"), Some("text"), Some("text")], Some("text")),
        "substr" | "substring" => (
            vec![Some("text"), Some("integer"), Some("integer")],
            Some("text"),
        ),
        "left" | "right" | "repeat" => (vec![Some("text"), Some("integer")], Some("text")),
        "split_part" => (
            vec![Some("text"), Some("text"), Some("integer")],
            Some("text"),
        ),
        "strpos" => (vec![Some("text"), Some("text")], Some("integer")),
        "starts_with" => (vec![Some("text"), Some("text")], Some("boolean")),
        "lpad" | "rpad" => (
            vec![Some("text"), Some("integer"), Some("text")],
            Some("text"),
        ),
        "concat" | "concat_ws" => (tys.iter().map(|_| Some("any")).collect(), Some("text")),
        "to_tsvector"
        | "to_tsquery"
        | "plainto_tsquery"
        | "websearch_to_tsquery"
        | "phraseto_tsquery" => {
            let ret = if name == "to_tsvector" {
                "tsvector"
            } else {
                "tsquery"
            };
            if tys.len() == 2 {
                (vec![Some("regconfig"), Some("text")], Some(ret))
            } else {
                (vec![Some("text")], Some(ret))
            }
        }
        "date_trunc" => (
            vec![Some("text"), None],
            first
                .as_deref()
                .and(tys.get(1).cloned().flatten())
                .map(|_| "timestamp with time zone"),
        ),
        "abs" | "round" | "ceil" | "floor" | "trunc" | "sign" => {
            let ret: Option<&'static str> = match first.as_deref().map(base).as_deref() {
                Some("integer") => Some("integer"),
                Some("bigint") => Some("bigint"),
                Some("double precision") => Some("double precision"),
                Some("numeric") => Some("numeric"),
                _ => None,
            };
            (vec![None, Some("integer")], ret)
        }
        "count" => (vec![None], Some("bigint")),
        "sum" => {
            let ret: Option<&'static str> = match first.as_deref().map(base).as_deref() {
                Some("integer") | Some("smallint") => Some("bigint"),
                Some("bigint") | Some("numeric") => Some("numeric"),
                Some("real") => Some("real"),
                Some("double precision") => Some("double precision"),
                Some("interval") => Some("interval"),
                _ => None,
            };
            (vec![None], ret)
        }
        "avg" => {
            let ret: Option<&'static str> = match first.as_deref().map(base).as_deref() {
                Some("real") | Some("double precision") => Some("double precision"),
                Some("interval") => Some("interval"),
                _ => Some("numeric"),
            };
            (vec![None], ret)
        }
        "string_agg" => (vec![Some("text"), Some("text")], Some("text")),
        "row_number" | "rank" | "dense_rank" | "ntile" => (vec![], Some("bigint")),
        "bool_and" | "bool_or" | "every" => (vec![Some("boolean")], Some("boolean")),
        "jsonb_build_object" | "jsonb_build_array" => (vec![], Some("jsonb")),
        "json_build_object" | "json_build_array" => (vec![], Some("json")),
        "jsonb_typeof" | "json_typeof" => (vec![None], Some("text")),
        "array_length" => (vec![None, Some("integer")], Some("integer")),
        "cardinality" => (vec![None], Some("integer")),
        "char" => return None,
        _ => return None,
    })
}

fn common_type(args: Vec<TExpr>) -> (Vec<TExpr>, Option<String>) {
    let mut ty: Option<String> = None;
    for a in &args {
        if let Some(t) = a.ty() {
            ty = match ty {
                None => Some(t),
                Some(cur) => match (numeric_rank(&cur), numeric_rank(&t)) {
                    (Some(x), Some(y)) if y > x => Some(base(&t)),
                    _ => Some(cur),
                },
            };
        }
    }
    let ty = ty.or_else(|| {
        if args.iter().any(|a| a.is_unknown_literal()) {
            Some("text".into())
        } else {
            None
        }
    });
    match &ty {
        Some(t) => {
            let t = t.clone();
            let args = args
                .into_iter()
                .map(|a| match a.ty() {
                    Some(at) if base(&at) == base(&t) => a,
                    _ => coerce(a, &t),
                })
                .collect();
            (args, Some(t))
        }
        None => (args, None),
    }
}

fn a_const(c: &protobuf::AConst) -> Lit {
    if c.isnull {
        return Lit::Null;
    }
    match &c.val {
        Some(a_const::Val::Ival(i)) => Lit::Int(i.ival as i64),
        Some(a_const::Val::Fval(f)) => {
            // Integers too big for int4 arrive as "float" text; they are int8 when they fit.
            if let Ok(v) = f.fval.parse::<i64>() {
                Lit::Int(v)
            } else {
                Lit::Num(f.fval.clone())
            }
        }
        Some(a_const::Val::Boolval(b)) => Lit::Bool(b.boolval),
        Some(a_const::Val::Sval(s)) => Lit::Str(s.sval.clone()),
        Some(a_const::Val::Bsval(b)) => Lit::BitStr(b.bsval.clone()),
        None => Lit::Null,
    }
}

fn a_const_type(c: &protobuf::AConst) -> Option<String> {
    match a_const(c) {
        Lit::Int(v) if i32::try_from(v).is_ok() => Some("integer".into()),
        Lit::Int(_) => Some("bigint".into()),
        Lit::Num(_) => Some("numeric".into()),
        Lit::Bool(_) => Some("boolean".into()),
        Lit::BitStr(_) => Some("bit".into()),
        Lit::Str(_) | Lit::Null => None,
    }
}

fn sql_value(s: &protobuf::SqlValueFunction) -> TExpr {
    use protobuf::SqlValueFunctionOp as O;
    let with_p = |name: &str| {
        if s.typmod >= 0 {
            format!("{name}({})", s.typmod)
        } else {
            name.to_string()
        }
    };
    let (text, ty) = match s.op() {
        O::SvfopCurrentDate => ("CURRENT_DATE".to_string(), "date"),
        O::SvfopCurrentTime | O::SvfopCurrentTimeN => {
            (with_p("CURRENT_TIME"), "time with time zone")
        }
        O::SvfopCurrentTimestamp | O::SvfopCurrentTimestampN => {
            (with_p("CURRENT_TIMESTAMP"), "timestamp with time zone")
        }
        O::SvfopLocaltime | O::SvfopLocaltimeN => (with_p("LOCALTIME"), "time without time zone"),
        O::SvfopLocaltimestamp | O::SvfopLocaltimestampN => {
            (with_p("LOCALTIMESTAMP"), "timestamp without time zone")
        }
        O::SvfopCurrentRole => ("CURRENT_ROLE".to_string(), "name"),
        O::SvfopCurrentUser => ("CURRENT_USER".to_string(), "name"),
        O::SvfopUser => ("USER".to_string(), "name"),
        O::SvfopSessionUser => ("SESSION_USER".to_string(), "name"),
        O::SvfopCurrentCatalog => ("CURRENT_CATALOG".to_string(), "name"),
        O::SvfopCurrentSchema => ("CURRENT_SCHEMA".to_string(), "name"),
        _ => ("CURRENT_TIMESTAMP".to_string(), "timestamp with time zone"),
    };
    TExpr::Keyword {
        text,
        ty: Some(ty.into()),
    }
}

/// Print as ruleutils does. `top`: the whole expression of a default or generated column, where implicit
/// casts are not shown.
pub(crate) fn print(e: &TExpr, top: bool) -> String {
    let mut s = String::new();
    write(e, top, &mut s);
    s
}

fn write_const(lit: &Lit, ty: Option<&str>, out: &mut String) {
    // get_const_expr
    let ty_b = ty.map(base);
    match lit {
        Lit::Null => {
            out.push_str("NULL");
            if let Some(t) = ty {
                out.push_str("::");
                out.push_str(t);
            }
        }
        Lit::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Lit::Int(v) => match ty_b.as_deref() {
            Some("integer") | None if i32::try_from(*v).is_ok() => {
                if *v >= 0 {
                    out.push_str(&v.to_string())
                } else {
                    out.push_str(&format!("'{v}'::integer"))
                }
            }
            Some("numeric") => {
                out.push_str(&format!("'{v}'::"));
                out.push_str(ty.unwrap_or("numeric"));
            }
            Some(_) | None => {
                out.push_str(&format!("'{v}'::"));
                out.push_str(ty.unwrap_or("bigint"));
            }
        },
        Lit::Num(n) => {
            let floaty = n.contains(['.', 'e', 'E']) && n.starts_with(|c: char| c.is_ascii_digit());
            let typmod = ty.is_some_and(|t| t.contains('('));
            match ty_b.as_deref() {
                Some("numeric") | None if floaty && !typmod => out.push_str(n),
                Some("numeric") | None => {
                    out.push_str(&quote_literal(n));
                    out.push_str("::");
                    out.push_str(ty.unwrap_or("numeric"));
                }
                Some(_) => {
                    out.push_str(&quote_literal(n));
                    out.push_str("::");
                    out.push_str(ty.unwrap_or("numeric"));
                }
            }
        }
        Lit::Str(s) => {
            out.push_str(&quote_literal(s));
            if let Some(t) = ty {
                out.push_str("::");
                out.push_str(t);
            }
        }
        Lit::BitStr(b) => {
            let body = b.strip_prefix(['b', 'B']).unwrap_or(b);
            out.push_str(&format!("B'{body}'"));
        }
    }
}

fn write(e: &TExpr, top: bool, out: &mut String) {
    match e {
        TExpr::Const { lit, ty } => write_const(lit, ty.as_deref(), out),
        TExpr::Col { name, prefix, .. } => {
            if let Some(p) = prefix {
                out.push_str(&quote_ident(p));
                out.push('.');
            }
            out.push_str(&quote_ident(name))
        }
        TExpr::Op {
            op, left, right, ..
        } => {
            out.push('(');
            if let Some(l) = left {
                write(l, false, out);
                out.push(' ');
            }
            out.push_str(op);
            out.push(' ');
            write(right, false, out);
            out.push(')');
        }
        TExpr::Func {
            name,
            args,
            star,
            distinct,
            ..
        } => {
            out.push_str(name);
            out.push('(');
            if *star {
                out.push('*');
            }
            if *distinct {
                out.push_str("DISTINCT ");
            }
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(a, false, out);
            }
            out.push(')');
        }
        TExpr::Cast { arg, ty, implicit } => {
            if *implicit && top {
                write(arg, top, out);
                return;
            }
            // get_coercion_expr: a constant of the target type prints bare, anything else in parentheses.
            match &**arg {
                TExpr::Const {
                    lit: lit @ (Lit::Int(_) | Lit::Num(_)),
                    ty: cty,
                } if cty.as_deref() == Some(ty) => {
                    write_const(lit, None, out);
                }
                other => {
                    out.push('(');
                    write(other, false, out);
                    out.push(')');
                }
            }
            out.push_str("::");
            out.push_str(ty);
        }
        TExpr::Bool { op, args } => {
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                    out.push_str(op);
                    out.push(' ');
                }
                write(a, false, out);
            }
            out.push(')');
        }
        TExpr::Not(a) => {
            out.push_str("(NOT ");
            write(a, false, out);
            out.push(')');
        }
        TExpr::NullTest { arg, not } => {
            out.push('(');
            write(arg, false, out);
            out.push_str(if *not { " IS NOT NULL)" } else { " IS NULL)" });
        }
        TExpr::BoolTest { arg, what } => {
            out.push('(');
            write(arg, false, out);
            out.push(' ');
            out.push_str(what);
            out.push(')');
        }
        TExpr::ScalarArray {
            left,
            op,
            all,
            right,
        } => {
            out.push('(');
            write(left, false, out);
            out.push_str(&format!(" {op} {} (", if *all { "ALL" } else { "ANY" }));
            write(right, false, out);
            out.push_str("))");
        }
        TExpr::Array { elems, .. } => {
            out.push_str("ARRAY[");
            for (i, a) in elems.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(a, false, out);
            }
            out.push(']');
        }
        TExpr::Keyword { text, .. } => out.push_str(text),
        TExpr::Case {
            arg,
            whens,
            default,
            ..
        } => {
            out.push_str("CASE");
            if let Some(a) = arg {
                out.push(' ');
                write(a, false, out);
            }
            for (w, t) in whens {
                out.push_str(" WHEN ");
                write(w, false, out);
                out.push_str(" THEN ");
                write(t, false, out);
            }
            if let Some(d) = default {
                out.push_str(" ELSE ");
                write(d, false, out);
            }
            out.push_str(" END");
        }
        TExpr::Special { name, args, .. } => {
            out.push_str(name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(a, false, out);
            }
            out.push(')');
        }
        TExpr::Distinct { left, right, not } => {
            out.push('(');
            write(left, false, out);
            out.push_str(if *not {
                " IS NOT DISTINCT FROM "
            } else {
                " IS DISTINCT FROM "
            });
            write(right, false, out);
            out.push(')');
        }
        TExpr::Raw { text, .. } => out.push_str(text),
    }
}

/// The name PostgreSQL gives an index column on an expression (`FigureColname`), `None` for `?column?`.
pub(crate) fn figure_colname(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        N::ColumnRef(c) => node_strings(&c.fields).last().cloned(),
        N::FuncCall(f) => node_strings(&f.funcname).last().cloned(),
        N::TypeCast(t) => t.arg.as_deref().and_then(figure_colname).or_else(|| {
            t.type_name
                .as_ref()
                .and_then(|tn| node_strings(&tn.names).last().cloned())
        }),
        N::CoalesceExpr(_) => Some("coalesce".into()),
        N::MinMaxExpr(m) => Some(
            if m.op() == protobuf::MinMaxOp::IsGreatest {
                "greatest"
            } else {
                "least"
            }
            .into(),
        ),
        N::CaseExpr(_) => Some("case".into()),
        N::AArrayExpr(_) => Some("array".into()),
        N::SqlvalueFunction(s) => {
            use protobuf::SqlValueFunctionOp as O;
            Some(
                match s.op() {
                    O::SvfopCurrentDate => "current_date",
                    O::SvfopCurrentTime | O::SvfopCurrentTimeN => "current_time",
                    O::SvfopCurrentTimestamp | O::SvfopCurrentTimestampN => "current_timestamp",
                    O::SvfopLocaltime | O::SvfopLocaltimeN => "localtime",
                    O::SvfopLocaltimestamp | O::SvfopLocaltimestampN => "localtimestamp",
                    O::SvfopCurrentRole => "current_role",
                    O::SvfopCurrentUser => "current_user",
                    O::SvfopUser => "user",
                    O::SvfopSessionUser => "session_user",
                    O::SvfopCurrentCatalog => "current_catalog",
                    O::SvfopCurrentSchema => "current_schema",
                    _ => return None,
                }
                .into(),
            )
        }
        _ => None,
    }
}

/// A date or timestamp literal as PostgreSQL's output function writes it back (ISO style, the session in
/// UTC): `2024-01-01` as a timestamp is `2024-01-01 00:00:00`, as a timestamptz `2024-01-01 00:00:00+00`.
/// `None` for any other form (left as written).
pub(crate) fn normalize_datetime(s: &str, ty: &str) -> Option<String> {
    let t = s.trim();
    let (date, rest) = match t.split_once([' ', 'T']) {
        Some((d, r)) => (d, r.trim()),
        None => (t, ""),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let ok_date = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !ok_date {
        return None;
    }
    if ty == "date" {
        return rest.is_empty().then(|| date.to_string());
    }
    // Time part: HH:MM[:SS[.frac]] and an optional UTC zone.
    let (time, zone) = match rest.find(['+', '-', 'Z', 'z']) {
        Some(i) => (rest[..i].trim(), rest[i..].trim()),
        None => (rest, ""),
    };
    let utc = matches!(zone, "" | "Z" | "z" | "+00" | "+00:00" | "-00" | "UTC");
    if !utc {
        return None;
    }
    let time = if time.is_empty() {
        "00:00:00".to_string()
    } else {
        let tp: Vec<&str> = time.split(':').collect();
        match tp.as_slice() {
            [h, m] if h.len() == 2 && m.len() == 2 => format!("{h}:{m}:00"),
            [h, m, sec] if h.len() == 2 && m.len() == 2 => {
                let sec = if sec.contains('.') {
                    sec.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    sec.to_string()
                };
                format!("{h}:{m}:{sec}")
            }
            _ => return None,
        }
    };
    if !time
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        return None;
    }
    Some(if ty == "timestamp with time zone" {
        format!("{date} {time}+00")
    } else {
        format!("{date} {time}")
    })
}
