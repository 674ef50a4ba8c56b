//! Objects × the JSON Schemas in `schema/` → located diagnostics.
//!
//! Each object is checked against the schema of its class; every error is placed on the YAML node its
//! JSON pointer names (on the key itself for unknown or unsupported fields). Objects that fail their
//! schema are left out of resolution, so later stages only see well-typed input.

use crate::diagnostic::Diagnostic;
use crate::front::classify::{Class, Object};
use crate::front::schemas::{SchemaKind, Schemas};
use rayon::prelude::*;

pub fn schema_kind(class: Class) -> SchemaKind {
    match class {
        Class::Cluster => SchemaKind::Cluster,
        Class::PropagationPolicy | Class::ClusterPropagationPolicy => SchemaKind::PropagationPolicy,
        Class::OverridePolicy | Class::ClusterOverridePolicy => SchemaKind::OverridePolicy,
        Class::InterpreterCustomization => SchemaKind::InterpreterCustomization,
        Class::ShortForm => SchemaKind::MulticloudDeployment,
        Class::Resource => SchemaKind::Resource,
    }
}

/// Validate every object (on every core; order kept); returns the objects that passed and the
/// diagnostics of those that did not.
pub fn validate(objects: Vec<Object>, schemas: &Schemas) -> (Vec<Object>, Vec<Diagnostic>) {
    let checked: Vec<Result<Object, Vec<Diagnostic>>> = (objects.into_par_iter())
        .map(|o| check(o, schemas))
        .collect();
    let mut valid = Vec::with_capacity(checked.len());
    let mut diagnostics = Vec::new();
    for c in checked {
        match c {
            Ok(o) => valid.push(o),
            Err(found) => diagnostics.extend(found),
        }
    }
    (valid, diagnostics)
}

fn check(o: Object, schemas: &Schemas) -> Result<Object, Vec<Diagnostic>> {
    let kind = match o.class {
        Class::ShortForm if o.kind == crate::model::shortform::JOB_KIND => {
            SchemaKind::MulticloudJob
        }
        class => schema_kind(class),
    };
    let errors = schemas.validate(kind, &o.json());
    if errors.is_empty() {
        return Ok(o);
    }
    let located = errors.into_iter().map(|e| {
        let span = if e.key.is_some() {
            o.node.key_span_at(&e.pointer)
        } else {
            o.node.span_at(&e.pointer)
        };
        Diagnostic::error("schema", span, e.message)
    });
    Err(located.collect())
}
