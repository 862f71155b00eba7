//! The expansion of `#[runtime::main]` and `#[runtime::test]`.
//!
//! ```text
//! #[runtime::main(worker_threads = 2)]    fn main() -> io::Result<()> {
//! async fn main() -> io::Result<()> {         let body = async move {
//!     work().await?;                              if let Some(output) = None::<io::Result<()>> {
//!     Ok(())                                          return output;
//! }                                               }
//!                                          =>     { work().await?; Ok(()) }
//!                                             };
//!                                             #[allow(clippy::expect_used)]
//!                                             let rt = ::runtime::Builder::new_multi_thread()
//!                                                 .worker_threads(2)
//!                                                 .build()
//!                                                 .expect("`#[runtime::main]` could not ...");
//!                                             rt.block_on(body)
//!                                         }
//! ```
//!
//! The body becomes an `async move` block, so a `return` inside it returns from the block
//! (as it returned from the function), and the block's value is what `block_on` and then the
//! function return: `-> Result<(), E>` and `?` work as in any function. Attributes and doc
//! comments are kept; inner attributes move onto the function. `#[runtime::test]` adds
//! `#[::core::prelude::v1::test]` after the user's attributes, so `#[should_panic]` and
//! `#[ignore]` keep working.
//!
//! # Spans
//!
//! The user's tokens keep their spans, so an error inside the body is reported where it was
//! written. Two generated pieces borrow the user's spans on purpose:
//!
//! - the never-taken `if let` carries the return type's span and states that type before
//!   rustc checks the body: a `?` knows what it converts into, a missing `Ok(())` is
//!   "expected `Result`, found `()`" on the body, and a wrong `return` is reported with
//!   "return type inferred to be `T` here" pointing at the signature;
//! - `rt.block_on(body)` runs from the first to the last token of the body's last
//!   statement, so with no return type written, a body that yields a value (a forgotten `;`)
//!   is reported on that statement, with rustc's usual hints, not on the attribute.
//!
//! The runtime construction keeps the call-site span: a missing `runtime` dependency is
//! reported on the attribute, where `crate = "..."` fixes it, and a wrong `crate` path on
//! its string. The approach follows tokio-macros' `entry.rs`.
//!
//! # Errors
//!
//! A misuse never swallows the function: the expansion is still emitted (with the valid
//! arguments only), followed by one `compile_error!` per mistake, so the build fails with
//! messages on the offending tokens while IDEs keep analysing the body.

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{AttrStyle, ReturnType, Type};

use crate::config::{self, Config, Flavor, Kind};
use crate::error;
use crate::function::EntryFn;

/// `#[runtime::main]`, on `proc_macro2` streams so it can be unit-tested.
pub(crate) fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, args, item)
}

/// `#[runtime::test]`, on `proc_macro2` streams so it can be unit-tested.
pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, args, item)
}

fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let function: EntryFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        // Not a function: hand the item back unchanged, with the reason.
        Err(error) => {
            let error = match syn::parse2::<syn::Item>(item.clone()) {
                Ok(syn::Item::Fn(_)) | Err(_) => error,
                Ok(_) => syn::Error::new(error.span(), error::NOT_A_FUNCTION),
            };
            return with_errors(item, Some(error));
        }
    };

    let mut errors = check_signature(kind, &function);
    let (config, config_errors) = config::parse(kind, args);
    if let Some(config_errors) = config_errors {
        match &mut errors {
            Some(errors) => errors.combine(config_errors),
            None => errors = Some(config_errors),
        }
    }
    with_errors(expand_function(function, kind, &config), errors)
}

fn with_errors(mut tokens: TokenStream, errors: Option<syn::Error>) -> TokenStream {
    if let Some(errors) = errors {
        tokens.extend(errors.into_compile_error());
    }
    tokens
}

/// The mistakes in the function itself, as opposed to the attribute's arguments.
fn check_signature(kind: Kind, function: &EntryFn) -> Option<syn::Error> {
    let mut errors: Vec<syn::Error> = Vec::new();
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(sig.fn_token, error::NOT_ASYNC));
    }
    match kind {
        Kind::Main if sig.ident == "main" && !sig.inputs.is_empty() => {
            errors.push(syn::Error::new_spanned(
                &sig.inputs,
                error::MAIN_HAS_ARGUMENTS,
            ));
        }
        Kind::Test if !sig.inputs.is_empty() => {
            errors.push(syn::Error::new_spanned(
                &sig.inputs,
                error::TEST_HAS_ARGUMENTS,
            ));
        }
        Kind::Main | Kind::Test => {}
    }
    if kind == Kind::Test {
        if let Some(attr) = function.test_attribute() {
            errors.push(syn::Error::new_spanned(attr, error::SECOND_TEST_ATTRIBUTE));
        }
    }
    errors.into_iter().reduce(|mut all, next| {
        all.combine(next);
        all
    })
}

/// The function, rewritten to build the runtime and block on its body.
fn expand_function(function: EntryFn, kind: Kind, config: &Config) -> TokenStream {
    let (start, end) = function.last_statement_spans();
    let runtime = build_runtime(kind, config);
    let block = function.block();
    // With a return type written, say it to rustc before the body is checked: `?` then
    // knows what it converts into, and a body that does not produce that type (a missing
    // `Ok(())`) gets a plain "expected `Result`, found `()`" instead of a puzzling
    // "`?` needs an async block that returns `Result`".
    let body = match output_hint(&function.sig.output) {
        Some(hint) => quote!({ #hint #block }),
        None => block,
    };
    // With the user's own `#[test]` (an error reported elsewhere) a second one would only
    // add noise.
    let test_attr = (kind == Kind::Test && function.test_attribute().is_none())
        .then(|| quote!(#[::core::prelude::v1::test]));

    let EntryFn {
        outer_attrs,
        vis,
        mut sig,
        inner_attrs,
        ..
    } = function;
    sig.asyncness = None;
    // A block cannot carry inner attributes once it is an `async` block: lift them to the
    // function, where they mean the same.
    let inner_attrs = inner_attrs.into_iter().map(|mut attr| {
        attr.style = AttrStyle::Outer;
        attr
    });

    // `rt` has the span of the first token of the last statement and `)` that of the last,
    // so the whole call covers exactly that statement.
    let rt = quote_spanned!(start=> rt);
    let block_on = quote_spanned!(end=> .block_on(body));
    quote! {
        #(#outer_attrs)*
        #(#inner_attrs)*
        #test_attr
        #vis #sig {
            let body = async move #body;
            #[allow(clippy::expect_used)]
            let rt = #runtime;
            #rt #block_on
        }
    }
}

/// A statement that fixes the output type of the `async` block to the function's return
/// type, if one is written and it can name a value's type (not `!`, no `impl Trait`).
///
/// `if let Some(output) = None::<T> { return output; }` never runs, has no unreachable code
/// after it (unlike `let output: T = { body }; output` when the body ends in `return`), and
/// makes rustc's "return type inferred to be `T` here" note point at the signature.
fn output_hint(output: &ReturnType) -> Option<TokenStream> {
    fn mentions_impl(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == "impl",
            TokenTree::Group(group) => mentions_impl(group.stream()),
            TokenTree::Punct(_) | TokenTree::Literal(_) => false,
        })
    }
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    if matches!(**ty, Type::Never(_)) || mentions_impl(ty.to_token_stream()) {
        return None;
    }
    Some(quote_spanned! {ty.span()=>
        if let ::core::option::Option::Some(output) = ::core::option::Option::<#ty>::None {
            return output;
        }
    })
}

/// `::runtime::Builder::new_*()[.worker_threads(n)][.start_paused(true)].build().expect(..)`.
fn build_runtime(kind: Kind, config: &Config) -> TokenStream {
    let krate = match &config.krate {
        Some(path) => path.to_token_stream(),
        None => quote!(::runtime),
    };
    let mut builder = match config.flavor {
        Flavor::MultiThread => quote!(#krate::Builder::new_multi_thread()),
        Flavor::CurrentThread => quote!(#krate::Builder::new_current_thread()),
    };
    if let Some((n, span)) = config.worker_threads {
        let mut n = proc_macro2::Literal::usize_unsuffixed(n);
        n.set_span(span);
        builder.extend(quote!(.worker_threads(#n)));
    }
    if config.start_paused {
        builder.extend(quote!(.start_paused(true)));
    }
    let message = kind.build_failed();
    quote!(#builder.build().expect(#message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of the `compile_error!`s in an expansion, in order.
    fn compile_errors(tokens: &TokenStream) -> Vec<String> {
        let mut messages = Vec::new();
        let mut tokens = tokens.clone().into_iter().peekable();
        while let Some(token) = tokens.next() {
            match token {
                TokenTree::Ident(ident) if ident == "compile_error" => {
                    let group = tokens.find_map(|token| match token {
                        TokenTree::Group(group) => Some(group),
                        _ => None,
                    });
                    let group = group.expect("compile_error! has a group");
                    let message: syn::LitStr = syn::parse2(group.stream()).expect("a string");
                    messages.push(message.value());
                }
                TokenTree::Group(group) => messages.extend(compile_errors(&group.stream())),
                _ => {}
            }
        }
        messages
    }

    fn assert_tokens_eq(actual: &TokenStream, expected: &TokenStream) {
        assert_eq!(actual.to_string(), expected.to_string());
    }

    #[test]
    fn main_expands_to_a_multi_thread_runtime() {
        let expanded = main(
            quote!(),
            quote!(
                async fn main() {
                    work().await;
                }
            ),
        );
        let message = error::MAIN_BUILD_FAILED;
        assert_tokens_eq(
            &expanded,
            &quote! {
                fn main() {
                    let body = async move { work().await; };
                    #[allow(clippy::expect_used)]
                    let rt = ::runtime::Builder::new_multi_thread().build().expect(#message);
                    rt.block_on(body)
                }
            },
        );
    }

    #[test]
    fn test_expands_to_a_current_thread_runtime_marked_test() {
        let expanded = test(
            quote!(),
            quote! {
                #[should_panic]
                async fn fails() { panic!("boom") }
            },
        );
        let message = error::TEST_BUILD_FAILED;
        assert_tokens_eq(
            &expanded,
            &quote! {
                #[should_panic]
                #[::core::prelude::v1::test]
                fn fails() {
                    let body = async move { panic!("boom") };
                    #[allow(clippy::expect_used)]
                    let rt = ::runtime::Builder::new_current_thread().build().expect(#message);
                    rt.block_on(body)
                }
            },
        );
    }

    #[test]
    fn arguments_become_builder_calls() {
        let expanded = main(
            quote!(worker_threads = 2, crate = "my_rt"),
            quote!(
                async fn main() {}
            ),
        );
        let text = expanded.to_string();
        assert!(
            text.contains(
                "my_rt :: Builder :: new_multi_thread () . worker_threads (2) . build ()"
            ),
            "{text}"
        );
        assert!(compile_errors(&expanded).is_empty());

        let expanded = test(
            quote!(start_paused = true),
            quote!(
                async fn t() {}
            ),
        );
        let text = expanded.to_string();
        assert!(
            text.contains("new_current_thread () . start_paused (true) . build ()"),
            "{text}"
        );

        let expanded = main(
            quote!(start_paused = false),
            quote!(
                async fn main() {}
            ),
        );
        assert!(!expanded.to_string().contains("start_paused"));
    }

    #[test]
    fn signature_attributes_and_docs_are_kept() {
        let expanded = main(
            quote!(flavor = "current_thread"),
            quote! {
                /// Entry point.
                #[allow(unused)]
                pub(crate) async fn main() -> Result<(), std::io::Error> {
                    #![allow(clippy::all)]
                    if done() { return Ok(()); }
                    step()?;
                    Ok(())
                }
            },
        );
        let text = expanded.to_string();
        assert!(text.starts_with("# [doc = r\" Entry point.\"] # [allow (unused)] # [allow (clippy :: all)] pub (crate) fn main () -> Result < () , std :: io :: Error > {"), "{text}");
        // The return type is stated before the body, which stays a block of its own.
        assert!(
            text.contains(
                "let body = async move { \
                 if let :: core :: option :: Option :: Some (output) = \
                 :: core :: option :: Option :: < Result < () , std :: io :: Error > > :: None \
                 { return output ; } \
                 { if done () { return Ok (()) ; } step () ? ; Ok (()) } } ;"
            ),
            "{text}"
        );
        assert!(!text.contains("async fn"), "{text}");
        assert!(!text.contains("# !"), "{text}");
    }

    #[test]
    fn output_hint_only_for_nameable_return_types() {
        let hint = |output: TokenStream| {
            let function: EntryFn = syn::parse2(quote!(async fn f() #output {})).unwrap();
            output_hint(&function.sig.output).map(|hint| hint.to_string())
        };
        assert_eq!(hint(quote!()), None);
        assert_eq!(hint(quote!(-> !)), None);
        assert_eq!(hint(quote!(-> impl std::process::Termination)), None);
        assert_eq!(hint(quote!(-> Box<dyn Iterator<Item = impl Sized>>)), None);
        let hint = hint(quote!(-> Result<(), String>)).expect("a hint");
        assert!(
            hint.contains("Option :: < Result < () , String > > :: None"),
            "{hint}"
        );
    }

    #[test]
    fn non_async_fn_is_an_error_but_still_expanded() {
        let expanded = main(
            quote!(),
            quote!(
                fn main() {}
            ),
        );
        assert_eq!(compile_errors(&expanded), [error::NOT_ASYNC]);
        assert!(expanded.to_string().contains("block_on (body)"));

        let expanded = test(
            quote!(),
            quote!(
                fn t() {}
            ),
        );
        assert_eq!(compile_errors(&expanded), [error::NOT_ASYNC]);
    }

    #[test]
    fn main_with_arguments() {
        let expanded = main(
            quote!(),
            quote!(
                async fn main(n: u32) {}
            ),
        );
        assert_eq!(compile_errors(&expanded), [error::MAIN_HAS_ARGUMENTS]);
        // Only the program's `main` is held to that; like tokio, other names may take some.
        let expanded = main(
            quote!(),
            quote!(
                async fn serve(port: u16) {}
            ),
        );
        assert!(compile_errors(&expanded).is_empty());
    }

    #[test]
    fn test_with_arguments() {
        let expanded = test(
            quote!(),
            quote!(
                async fn t(n: u32) {}
            ),
        );
        assert_eq!(compile_errors(&expanded), [error::TEST_HAS_ARGUMENTS]);
    }

    #[test]
    fn second_test_attribute() {
        for attr in [
            quote!(#[test]),
            quote!(#[core::prelude::v1::test]),
            quote!(#[::std::prelude::rust_2021::test]),
        ] {
            let expanded = test(quote!(), quote!(#attr async fn t() {}));
            assert_eq!(compile_errors(&expanded), [error::SECOND_TEST_ATTRIBUTE]);
            // The user's attribute stays; no second one is added.
            let file: syn::File = syn::parse2(expanded).expect("items");
            let attrs = file.items.iter().find_map(|item| match item {
                syn::Item::Fn(function) => Some(&function.attrs),
                _ => None,
            });
            let attrs = attrs.expect("the function is emitted");
            let is_test = |attr: &&syn::Attribute| crate::function::is_test_attribute(attr);
            assert_eq!(attrs.iter().filter(is_test).count(), 1);
        }
        // Other attributes that happen to end in `test` are not the test attribute.
        let expanded = test(
            quote!(),
            quote!(
                #[my::test]
                async fn t() {}
            ),
        );
        assert!(compile_errors(&expanded).is_empty());
    }

    #[test]
    fn signature_and_argument_errors_are_reported_together() {
        let expanded = main(
            quote!(flavor = "single", worker_threads = 0),
            quote!(
                fn main(x: u8) {}
            ),
        );
        assert_eq!(
            compile_errors(&expanded),
            [
                error::NOT_ASYNC,
                error::MAIN_HAS_ARGUMENTS,
                error::UNKNOWN_FLAVOR,
                error::WORKER_THREADS_ZERO,
            ]
        );
    }

    #[test]
    fn argument_errors_keep_the_valid_configuration() {
        let expanded = main(
            quote!(flavor = "current_thread", start_paused = true, bogus = 1),
            quote!(
                async fn main() {}
            ),
        );
        assert_eq!(compile_errors(&expanded), [error::UNKNOWN_ARGUMENT]);
        let text = expanded.to_string();
        assert!(
            text.contains("new_current_thread () . start_paused (true)"),
            "{text}"
        );
    }

    #[test]
    fn not_a_function_is_returned_unchanged() {
        let item = quote!(
            struct NotAFunction;
        );
        let expanded = main(quote!(), item.clone());
        assert!(expanded.to_string().starts_with(&item.to_string()));
        assert_eq!(compile_errors(&expanded), [error::NOT_A_FUNCTION]);
    }
}
