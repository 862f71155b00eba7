//! (cases land with their primitives)
use criterion::Criterion;

pub(crate) fn bench(_c: &mut Criterion) {}
