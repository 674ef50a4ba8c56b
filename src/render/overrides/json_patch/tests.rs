//! Karmada's patch semantics: RFC 6902 basics, then evanphx/json-patch/v5's leniency with Karmada's
//! options.

use super::*;
use crate::render::overrides::tests::ops;
use serde_json::json;

fn run(doc: Value, list: &[(&str, &str, Value)]) -> Result<Value, (usize, String)> {
    let mut doc = doc;
    patch(&mut doc, &ops(list))?;
    Ok(doc)
}

#[test]
fn json_patch_rfc_basics() {
    let doc = json!({"a": {"b": [1, 2, 3]}, "c": "x"});
    assert_eq!(
        run(
            doc.clone(),
            &[
                ("add", "/a/d", json!(1)),
                ("replace", "/c", json!("y")),
                ("remove", "/a/b/0", Value::Null)
            ]
        ),
        Ok(json!({"a": {"b": [2, 3], "d": 1}, "c": "y"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/-", json!(4))]),
        Ok(json!({"a": {"b": [1, 2, 3, 4]}, "c": "x"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/3", json!(4))]),
        Ok(json!({"a": {"b": [1, 2, 3, 4]}, "c": "x"}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/b/4", json!(4))]),
        Err((
            0,
            "json patch `add` at `/a/b/4`: index `4` is out of range".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("replace", "/a/x", json!(4))]),
        Err((
            0,
            "json patch `replace` at `/a/x`: path does not exist".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/a/x/y", json!(4))]),
        Err((
            0,
            "json patch `add` at `/a/x/y`: path does not exist".into()
        ))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/c/y", json!(4))]),
        Err((0, "json patch `add` at `/c/y`: path does not exist".into()))
    );
    assert_eq!(
        run(doc.clone(), &[("move", "/c", json!(4))]),
        Err((
            0,
            "json patch `move` at `/c`: unsupported operator `move`".into()
        ))
    );
    // Escapes; `~` that is not an escape stays as it is.
    assert_eq!(
        run(
            json!({"a/b": 1, "m~n": 2}),
            &[
                ("replace", "/a~1b", json!(3)),
                ("remove", "/m~0n", Value::Null),
                ("add", "/x~y", json!(0))
            ]
        ),
        Ok(json!({"a/b": 3, "x~y": 0}))
    );
    // A missing value is null.
    assert_eq!(
        run(json!({}), &[("add", "/a", Value::Null)]),
        Ok(json!({"a": null}))
    );
    // The whole document.
    assert_eq!(
        run(json!({"a": 1}), &[("replace", "", json!({"b": 2}))]),
        Ok(json!({"b": 2}))
    );
    assert_eq!(
        run(json!({"a": 1}), &[("add", "", json!(3))]),
        Err((
            0,
            "json patch `add` at ``: a whole document must be an object or an array".into()
        ))
    );
}

#[test]
fn json_patch_evanphx_leniency() {
    let doc = json!({"l": [1, 2, 3]});
    // Negative indices count from the end.
    assert_eq!(
        run(doc.clone(), &[("replace", "/l/-1", json!(9))]),
        Ok(json!({"l": [1, 2, 9]}))
    );
    assert_eq!(
        run(doc.clone(), &[("remove", "/l/-3", Value::Null)]),
        Ok(json!({"l": [2, 3]}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/l/-1", json!(4))]),
        Ok(json!({"l": [1, 2, 3, 4]}))
    );
    assert_eq!(
        run(doc.clone(), &[("add", "/l/-4", json!(0))]),
        Ok(json!({"l": [0, 1, 2, 3]}))
    );
    assert!(run(doc.clone(), &[("add", "/l/-5", json!(0))]).is_err());
    assert!(run(doc.clone(), &[("remove", "/l/-4", Value::Null)]).is_err());
    // Atoi accepts a sign and leading zeros.
    assert_eq!(
        run(doc.clone(), &[("replace", "/l/+01", json!(9))]),
        Ok(json!({"l": [1, 9, 3]}))
    );
    assert_eq!(
        run(json!({"l": [{"a": 1}]}), &[("add", "/l/-1/b", json!(2))]),
        Ok(json!({"l": [{"a": 1, "b": 2}]}))
    );
    // Without a leading `/`, the first segment is ignored.
    assert_eq!(
        run(json!({"a": 1}), &[("replace", "spec/a", json!(2))]),
        Ok(json!({"a": 2}))
    );
    assert!(run(json!({"a": 1}), &[("replace", "a", json!(2))]).is_err());
    // Removing a key keeps the order of the others.
    let removed = run(
        json!({"a": 1, "b": 2, "c": 3, "d": 4}),
        &[("remove", "/b", Value::Null)],
    )
    .unwrap();
    assert_eq!(
        removed.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["a", "c", "d"]
    );
    // The failing operation is reported by index.
    assert_eq!(
        run(
            doc,
            &[("add", "/x", json!(1)), ("remove", "/l/7", Value::Null)]
        ),
        Err((
            1,
            "json patch `remove` at `/l/7`: index `7` is out of range".into()
        ))
    );
}
