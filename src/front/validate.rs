//! Objects × the JSON Schemas in `schema/` → located diagnostics.
//!
//! Each object is checked against the schema of its class; every error is placed on the YAML node its
//! JSON pointer names (on the key itself for unknown or unsupported fields). Objects that fail their
//! schema are left out of resolution, so later stages only see well-typed input.
//!
//! CustomResourceDefinitions are checked first: those that pass give their custom resources a schema
//! ([`CustomResources`]), for the objects checked with them and for later batches (templates).

use crate::diagnostic::Diagnostic;
use crate::front::classify::{Class, Object};
use crate::front::schemas::{CustomResources, SchemaError, SchemaKind, Schemas, crd};
use rayon::prelude::*;
use serde_json::Value;

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

/// What [`validate`] found.
#[derive(Debug)]
pub struct Validated {
    /// The objects that passed, in order.
    pub objects: Vec<Object>,
    /// The problems of those that did not.
    pub diagnostics: Vec<Diagnostic>,
    /// The custom kinds known before, and those the valid CRDs among the objects define.
    pub custom: CustomResources,
}

/// Validate every object (on every core; order kept): CRDs first, then every other object, custom
/// resources against the CRDs among `objects` and in `known`.
pub fn validate(objects: Vec<Object>, schemas: &Schemas, known: &CustomResources) -> Validated {
    let crds: Vec<(Value, Vec<SchemaError>)> = (objects.par_iter())
        .filter(|o| is_crd(o))
        .map(|o| {
            let json = o.json();
            let errors = errors(o, &json, schemas, known);
            (json, errors)
        })
        .collect();
    let custom = known.with(
        crds.iter()
            .filter(|(_, errors)| errors.is_empty())
            .map(|(json, _)| json),
    );
    let others: Vec<Vec<SchemaError>> = (objects.par_iter())
        .map(|o| match is_crd(o) {
            true => Vec::new(),
            false => errors(o, &o.json(), schemas, &custom),
        })
        .collect();
    let mut crd_errors = crds.into_iter().map(|(_, errors)| errors);
    let mut valid = Vec::with_capacity(objects.len());
    let mut diagnostics = Vec::new();
    for (o, errors) in objects.into_iter().zip(others) {
        let errors = match is_crd(&o) {
            true => crd_errors.next().unwrap_or_default(),
            false => errors,
        };
        if errors.is_empty() {
            valid.push(o);
        } else {
            diagnostics.extend(locate(&o, errors));
        }
    }
    Validated {
        objects: valid,
        diagnostics,
        custom,
    }
}

fn is_crd(o: &Object) -> bool {
    o.class == Class::Resource && crd::is_crd(&o.api_version, &o.kind)
}

/// The schema errors of one object (`json` is its JSON).
fn errors(
    o: &Object,
    json: &Value,
    schemas: &Schemas,
    custom: &CustomResources,
) -> Vec<SchemaError> {
    match o.class {
        Class::ShortForm if o.kind == crate::model::shortform::JOB_KIND => {
            schemas.validate(SchemaKind::MulticloudJob, json)
        }
        Class::Resource => schemas.validate_resource(json, custom),
        class => schemas.validate(schema_kind(class), json),
    }
}

/// Each error on the node its pointer names (the key itself for an unknown or unsupported field).
fn locate(o: &Object, errors: Vec<SchemaError>) -> impl Iterator<Item = Diagnostic> + '_ {
    errors.into_iter().map(|e| {
        let span = if e.key.is_some() {
            o.node.key_span_at(&e.pointer)
        } else {
            o.node.span_at(&e.pointer)
        };
        Diagnostic::error("schema", span, e.message)
    })
}
