//! Parsing the attribute's arguments (`flavor`, `worker_threads`, `start_paused`, `crate`)
//! into a [`Config`].
//!
//! Parsing never gives up at the first mistake: every argument is checked, each mistake
//! becomes one error on the offending token, and the errors are combined so the user sees
//! them all in one build. Alongside the errors comes the best [`Config`] that the valid
//! arguments describe (an argument in error is left out), so the function is still expanded
//! and an IDE keeps analysing its body.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::error;

/// Which attribute is being expanded; it decides the default flavor and the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[runtime::main]`: multi-thread by default.
    Main,
    /// `#[runtime::test]`: current-thread by default, like tokio, so tests are deterministic.
    Test,
}

impl Kind {
    /// The flavor used when the attribute has no `flavor` argument.
    pub(crate) fn default_flavor(self) -> Flavor {
        match self {
            Kind::Main => Flavor::MultiThread,
            Kind::Test => Flavor::CurrentThread,
        }
    }

    /// The panic message of the generated `Builder::build().expect(..)`.
    pub(crate) fn build_failed(self) -> &'static str {
        match self {
            Kind::Main => error::MAIN_BUILD_FAILED,
            Kind::Test => error::TEST_BUILD_FAILED,
        }
    }
}

/// The scheduler the generated code builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::new_multi_thread()`.
    MultiThread,
    /// `Builder::new_current_thread()`.
    CurrentThread,
}

/// What the arguments asked for, already checked against each other.
pub(crate) struct Config {
    /// Which builder to start from.
    pub(crate) flavor: Flavor,
    /// `worker_threads = N` (never 0, only with [`Flavor::MultiThread`]) and the span of `N`.
    pub(crate) worker_threads: Option<(usize, Span)>,
    /// `start_paused = true` (only with [`Flavor::CurrentThread`]).
    pub(crate) start_paused: bool,
    /// `crate = "path"`, already parsed; `None` means `::runtime`.
    pub(crate) krate: Option<syn::Path>,
}

impl Config {
    /// The configuration of an attribute without arguments.
    pub(crate) fn default_for(kind: Kind) -> Config {
        Config {
            flavor: kind.default_flavor(),
            worker_threads: None,
            start_paused: false,
            krate: None,
        }
    }
}

/// The arguments the attributes accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    Flavor,
    WorkerThreads,
    StartPaused,
    Crate,
}

impl Arg {
    const ALL: [Arg; 4] = [
        Arg::Flavor,
        Arg::WorkerThreads,
        Arg::StartPaused,
        Arg::Crate,
    ];

    fn name(self) -> &'static str {
        match self {
            Arg::Flavor => "flavor",
            Arg::WorkerThreads => "worker_threads",
            Arg::StartPaused => "start_paused",
            Arg::Crate => "crate",
        }
    }

    /// The message for a value of the wrong kind (or a missing value).
    fn value_error(self) -> &'static str {
        match self {
            Arg::Flavor => error::FLAVOR_VALUE,
            Arg::WorkerThreads => error::WORKER_THREADS_VALUE,
            Arg::StartPaused => error::START_PAUSED_VALUE,
            Arg::Crate => error::CRATE_VALUE,
        }
    }

    fn from_path(path: &syn::Path) -> Option<Arg> {
        let ident = path.get_ident()?;
        Arg::ALL.into_iter().find(|arg| ident == arg.name())
    }
}

/// Errors gathered while parsing, combined into one [`syn::Error`].
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error on `tokens`, from their first to their last token.
    fn push(&mut self, tokens: impl ToTokens, message: &str) {
        let error = syn::Error::new_spanned(tokens, message);
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }
}

/// Parses the tokens between the attribute's parentheses.
///
/// Returns the configuration the valid arguments describe, and the combined errors of the
/// others, if any.
pub(crate) fn parse(kind: Kind, args: TokenStream) -> (Config, Option<syn::Error>) {
    let mut config = Config::default_for(kind);
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => return (config, Some(error)),
    };

    let mut errors = Errors::default();
    let mut seen = Vec::with_capacity(Arg::ALL.len());
    let mut flavor = None;
    // Kept with their `name = value` until the flavor they depend on is known.
    let mut worker_threads = None;
    let mut start_paused = None;

    for meta in &metas {
        let Some(arg) = Arg::from_path(meta.path()) else {
            let is_flavor_name =
                meta.path().is_ident("current_thread") || meta.path().is_ident("multi_thread");
            let message = match meta {
                Meta::Path(_) if is_flavor_name => error::FLAVOR_WITHOUT_NAME,
                _ => error::UNKNOWN_ARGUMENT,
            };
            errors.push(meta.path(), message);
            continue;
        };
        if seen.contains(&arg) {
            errors.push(meta.path(), error::DUPLICATE_ARGUMENT);
            continue;
        }
        seen.push(arg);

        let value = match meta {
            Meta::NameValue(name_value) => &name_value.value,
            // `flavor` or `flavor(..)`: say what the value should look like.
            Meta::Path(_) | Meta::List(_) => {
                errors.push(meta, arg.value_error());
                continue;
            }
        };
        match arg {
            Arg::Flavor => match string(value) {
                Some(lit) => match lit.value().as_str() {
                    "multi_thread" => flavor = Some(Flavor::MultiThread),
                    "current_thread" => flavor = Some(Flavor::CurrentThread),
                    _ => errors.push(lit, error::UNKNOWN_FLAVOR),
                },
                None => errors.push(value, error::FLAVOR_VALUE),
            },
            Arg::WorkerThreads => match integer(value) {
                Some(0) => errors.push(value, error::WORKER_THREADS_ZERO),
                Some(n) => worker_threads = Some((n, value.span(), meta)),
                None => errors.push(value, error::WORKER_THREADS_VALUE),
            },
            Arg::StartPaused => match boolean(value) {
                Some(paused) => start_paused = Some((paused, meta)),
                None => errors.push(value, error::START_PAUSED_VALUE),
            },
            Arg::Crate => match string(value).map(LitStr::parse::<syn::Path>) {
                Some(Ok(path)) => config.krate = Some(path),
                Some(Err(_)) => errors.push(value, error::CRATE_NOT_A_PATH),
                None => errors.push(value, error::CRATE_VALUE),
            },
        }
    }

    // The arguments that only make sense with one flavor are checked once it is known.
    config.flavor = flavor.unwrap_or(kind.default_flavor());
    if let Some((n, span, meta)) = worker_threads {
        match config.flavor {
            Flavor::MultiThread => config.worker_threads = Some((n, span)),
            Flavor::CurrentThread => {
                errors.push(meta, error::WORKER_THREADS_CURRENT_THREAD);
            }
        }
    }
    if let Some((paused, meta)) = start_paused {
        match config.flavor {
            Flavor::MultiThread if paused => {
                errors.push(meta, error::START_PAUSED_MULTI_THREAD);
            }
            _ => config.start_paused = paused,
        }
    }
    (config, errors.0)
}

/// The literal of a value, if it is one.
fn literal(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, attrs }) if attrs.is_empty() => Some(lit),
        _ => None,
    }
}

fn string(value: &Expr) -> Option<&LitStr> {
    match literal(value)? {
        Lit::Str(lit) => Some(lit),
        _ => None,
    }
}

/// An unsuffixed or `usize`-suffixed integer that fits in `usize`.
fn integer(value: &Expr) -> Option<usize> {
    match literal(value)? {
        Lit::Int(lit) if matches!(lit.suffix(), "" | "usize") => lit.base10_parse().ok(),
        _ => None,
    }
}

fn boolean(value: &Expr) -> Option<bool> {
    match literal(value)? {
        Lit::Bool(lit) => Some(lit.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn ok(kind: Kind, args: TokenStream) -> Config {
        match parse(kind, args) {
            (config, None) => config,
            (_, Some(error)) => panic!("unexpected error: {error}"),
        }
    }

    /// The messages of all errors, in order.
    fn errors(kind: Kind, args: TokenStream) -> Vec<String> {
        match parse(kind, args) {
            (_, Some(error)) => error.into_iter().map(|e| e.to_string()).collect(),
            (config, None) => panic!("expected an error, got {:?}", config.flavor),
        }
    }

    #[test]
    fn no_arguments_give_the_kind_defaults() {
        let main = ok(Kind::Main, quote!());
        assert_eq!(main.flavor, Flavor::MultiThread);
        assert!(main.worker_threads.is_none());
        assert!(!main.start_paused);
        assert!(main.krate.is_none());

        let test = ok(Kind::Test, quote!());
        assert_eq!(test.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn all_arguments_together() {
        let config = ok(
            Kind::Main,
            quote!(
                flavor = "multi_thread",
                worker_threads = 4,
                crate = "::deps::rt",
            ),
        );
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(4));
        let krate = config.krate.expect("crate was given");
        assert_eq!(krate.to_token_stream().to_string(), ":: deps :: rt");

        let config = ok(
            Kind::Test,
            quote!(start_paused = true, flavor = "current_thread"),
        );
        assert_eq!(config.flavor, Flavor::CurrentThread);
        assert!(config.start_paused);
    }

    #[test]
    fn flavor_overrides_the_default() {
        let config = ok(Kind::Main, quote!(flavor = "current_thread"));
        assert_eq!(config.flavor, Flavor::CurrentThread);
        let config = ok(
            Kind::Test,
            quote!(flavor = "multi_thread", worker_threads = 2),
        );
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(2));
    }

    #[test]
    fn start_paused_on_the_default_test_flavor() {
        assert!(ok(Kind::Test, quote!(start_paused = true)).start_paused);
        assert!(!ok(Kind::Test, quote!(start_paused = false)).start_paused);
    }

    #[test]
    fn start_paused_false_is_fine_on_multi_thread() {
        let config = ok(Kind::Main, quote!(start_paused = false));
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert!(!config.start_paused);
    }

    #[test]
    fn usize_suffix_is_accepted() {
        let config = ok(Kind::Main, quote!(worker_threads = 3usize));
        assert_eq!(config.worker_threads.map(|(n, _)| n), Some(3));
    }

    #[test]
    fn crate_keyword_path_is_accepted() {
        let config = ok(Kind::Main, quote!(crate = "crate"));
        let krate = config.krate.expect("crate was given");
        assert_eq!(krate.to_token_stream().to_string(), "crate");
    }

    #[test]
    fn unknown_argument_lists_the_valid_ones() {
        assert_eq!(
            errors(Kind::Main, quote!(threads = 4)),
            [error::UNKNOWN_ARGUMENT]
        );
        assert_eq!(
            errors(Kind::Test, quote!(verbose)),
            [error::UNKNOWN_ARGUMENT]
        );
        assert_eq!(
            errors(Kind::Test, quote!(a::flavor = "multi_thread")),
            [error::UNKNOWN_ARGUMENT]
        );
        assert!(error::UNKNOWN_ARGUMENT.contains("`flavor`, `worker_threads`, `start_paused`"));
    }

    #[test]
    fn bare_flavor_name_says_to_use_flavor() {
        assert_eq!(
            errors(Kind::Main, quote!(current_thread)),
            [error::FLAVOR_WITHOUT_NAME]
        );
        assert_eq!(
            errors(Kind::Main, quote!(multi_thread)),
            [error::FLAVOR_WITHOUT_NAME]
        );
    }

    #[test]
    fn duplicated_argument() {
        assert_eq!(
            errors(Kind::Main, quote!(worker_threads = 2, worker_threads = 3)),
            [error::DUPLICATE_ARGUMENT]
        );
        let (config, error) = parse(
            Kind::Main,
            quote!(flavor = "current_thread", flavor = "multi_thread"),
        );
        assert!(error.is_some());
        // The first one wins, so the expansion matches what the user most likely meant.
        assert_eq!(config.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn worker_threads_zero() {
        assert_eq!(
            errors(Kind::Main, quote!(worker_threads = 0)),
            [error::WORKER_THREADS_ZERO]
        );
    }

    #[test]
    fn worker_threads_needs_an_integer() {
        for args in [
            quote!(worker_threads = "4"),
            quote!(worker_threads = -1),
            quote!(worker_threads = 4u8),
            quote!(worker_threads = 1.5),
            quote!(worker_threads = 99999999999999999999999999),
            quote!(worker_threads),
            quote!(worker_threads(4)),
        ] {
            assert_eq!(errors(Kind::Main, args), [error::WORKER_THREADS_VALUE]);
        }
    }

    #[test]
    fn worker_threads_with_current_thread() {
        assert_eq!(
            errors(
                Kind::Main,
                quote!(flavor = "current_thread", worker_threads = 2)
            ),
            [error::WORKER_THREADS_CURRENT_THREAD]
        );
        // Order does not matter: the flavor may come after.
        assert_eq!(
            errors(
                Kind::Main,
                quote!(worker_threads = 2, flavor = "current_thread")
            ),
            [error::WORKER_THREADS_CURRENT_THREAD]
        );
        // Tests are current-thread unless they say otherwise.
        let (config, error) = parse(Kind::Test, quote!(worker_threads = 2));
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some(error::WORKER_THREADS_CURRENT_THREAD)
        );
        assert!(config.worker_threads.is_none());
    }

    #[test]
    fn unknown_flavor_lists_the_valid_ones() {
        assert_eq!(
            errors(Kind::Main, quote!(flavor = "single_thread")),
            [error::UNKNOWN_FLAVOR]
        );
        assert!(error::UNKNOWN_FLAVOR.contains("\"multi_thread\" and \"current_thread\""));
    }

    #[test]
    fn flavor_needs_a_string() {
        for args in [
            quote!(flavor = current_thread),
            quote!(flavor),
            quote!(flavor(current_thread)),
        ] {
            assert_eq!(errors(Kind::Main, args), [error::FLAVOR_VALUE]);
        }
    }

    #[test]
    fn start_paused_with_multi_thread() {
        // Explicitly, and by default for main.
        for args in [
            quote!(flavor = "multi_thread", start_paused = true),
            quote!(start_paused = true),
        ] {
            let (config, error) = parse(Kind::Main, args);
            let message = error.expect("an error").to_string();
            assert_eq!(message, error::START_PAUSED_MULTI_THREAD);
            assert!(message.contains("flavor = \"current_thread\""));
            assert!(!config.start_paused);
        }
        assert_eq!(
            errors(
                Kind::Test,
                quote!(flavor = "multi_thread", start_paused = true)
            ),
            [error::START_PAUSED_MULTI_THREAD]
        );
    }

    #[test]
    fn start_paused_needs_a_boolean() {
        for args in [quote!(start_paused = "true"), quote!(start_paused = 1)] {
            assert_eq!(errors(Kind::Test, args), [error::START_PAUSED_VALUE]);
        }
    }

    #[test]
    fn crate_needs_a_string_path() {
        assert_eq!(
            errors(Kind::Main, quote!(crate = my_runtime)),
            [error::CRATE_VALUE]
        );
        assert_eq!(
            errors(Kind::Main, quote!(crate = "not a path")),
            [error::CRATE_NOT_A_PATH]
        );
    }

    #[test]
    fn every_mistake_is_reported_and_the_valid_rest_is_kept() {
        let (config, error) = parse(
            Kind::Main,
            quote!(
                flavor = "current_thread",
                worker_threads = 0,
                bogus = 1,
                crate = "rt",
                start_paused = true
            ),
        );
        let messages: Vec<String> = error
            .expect("errors")
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            messages,
            [error::WORKER_THREADS_ZERO, error::UNKNOWN_ARGUMENT]
        );
        assert_eq!(config.flavor, Flavor::CurrentThread);
        assert!(config.start_paused);
        assert!(config.krate.is_some());
    }

    #[test]
    fn syntax_error_in_the_arguments_is_forwarded() {
        let (config, error) = parse(Kind::Main, quote!(flavor = ));
        assert!(error.is_some());
        assert_eq!(config.flavor, Flavor::MultiThread);
    }

    #[test]
    fn messages_are_one_sentence_saying_what_to_do() {
        for message in [
            error::NOT_A_FUNCTION,
            error::NOT_ASYNC,
            error::MAIN_HAS_ARGUMENTS,
            error::TEST_HAS_ARGUMENTS,
            error::SECOND_TEST_ATTRIBUTE,
            error::UNKNOWN_ARGUMENT,
            error::DUPLICATE_ARGUMENT,
            error::FLAVOR_VALUE,
            error::FLAVOR_WITHOUT_NAME,
            error::UNKNOWN_FLAVOR,
            error::WORKER_THREADS_VALUE,
            error::WORKER_THREADS_ZERO,
            error::WORKER_THREADS_CURRENT_THREAD,
            error::START_PAUSED_VALUE,
            error::START_PAUSED_MULTI_THREAD,
            error::CRATE_VALUE,
            error::CRATE_NOT_A_PATH,
            error::MAIN_BUILD_FAILED,
            error::TEST_BUILD_FAILED,
        ] {
            assert!(!message.ends_with('.'), "{message}");
            assert!(!message.contains(". "), "{message}");
            assert!(message.contains(':') || message.contains(';'), "{message}");
            assert!(!message.contains("  "), "{message}");
        }
    }
}
