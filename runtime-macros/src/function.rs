//! The function under the attribute, parsed only as far as the expansion needs.
//!
//! The signature and attributes are parsed with `syn`; the body is kept as its token
//! trees. Not parsing statements keeps the macro fast, tolerant of syntax newer than `syn`,
//! and still lets the expansion find the last statement, whose spans it borrows.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{braced, token, Attribute, Meta, Signature, Visibility};

/// An `fn` item whose body is kept as token trees.
pub(crate) struct EntryFn {
    /// The attributes above the function, doc comments included.
    pub(crate) outer_attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The body's braces, whose spans the `async` block keeps.
    pub(crate) brace: token::Brace,
    /// `#![...]` at the top of the body.
    pub(crate) inner_attrs: Vec<Attribute>,
    /// The statements, unparsed.
    pub(crate) body: Vec<TokenTree>,
}

impl Parse for EntryFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let outer_attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let body = content.parse::<TokenStream>()?.into_iter().collect();
        Ok(EntryFn {
            outer_attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            body,
        })
    }
}

impl EntryFn {
    /// The user's own test attribute, if the function carries one.
    pub(crate) fn test_attribute(&self) -> Option<&Attribute> {
        self.outer_attrs
            .iter()
            .chain(&self.inner_attrs)
            .find(|attr| is_test_attribute(attr))
    }

    /// The body with its braces: `{ statements }`.
    pub(crate) fn block(&self) -> TokenStream {
        let mut block = TokenStream::new();
        self.brace.surround(&mut block, |tokens| {
            tokens.extend(self.body.iter().cloned())
        });
        block
    }

    /// The spans of the first and last tokens of the body's last statement (the closing
    /// brace for an empty body).
    pub(crate) fn last_statement_spans(&self) -> (Span, Span) {
        match last_statement(&self.body) {
            Some((first, last)) => (first.span(), last.span()),
            None => (self.brace.span.close(), self.brace.span.close()),
        }
    }
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[::std::prelude::rust_2021::test]` and the like.
pub(crate) fn is_test_attribute(attr: &Attribute) -> bool {
    let Meta::Path(path) = &attr.meta else {
        return false;
    };
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    match segments.as_slice() {
        [test] => path.leading_colon.is_none() && test == "test",
        [root, prelude, _edition, test] => {
            (root == "core" || root == "std") && prelude == "prelude" && test == "test"
        }
        _ => false,
    }
}

/// The first and last tokens of the last statement of `body`, its trailing `;` included.
///
/// A top-level `;` ends a statement; one inside a group (`[0; 3]`, a nested block) is not
/// a top-level token tree. A statement that ends in a block without `;` (`if c { .. }`)
/// runs on into the next, which only widens the span.
fn last_statement(body: &[TokenTree]) -> Option<(&TokenTree, &TokenTree)> {
    let is_semicolon =
        |token: &TokenTree| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ';');
    let (last, rest) = body.split_last()?;
    // The trailing `;` belongs to the last statement; look for the one before it.
    let searched = if is_semicolon(last) { rest } else { body };
    let start = searched.iter().rposition(is_semicolon).map_or(0, |i| i + 1);
    Some((&body[start], last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(item: TokenStream) -> EntryFn {
        syn::parse2(item).expect("a function")
    }

    #[test]
    fn parses_signature_attributes_and_body() {
        let function = parse(quote! {
            /// Docs.
            #[inline]
            pub async fn f(x: u8) -> u8 {
                #![allow(unused)]
                let y = x;
                y
            }
        });
        assert_eq!(function.outer_attrs.len(), 2);
        assert_eq!(function.inner_attrs.len(), 1);
        assert_eq!(function.sig.ident, "f");
        assert!(function.sig.asyncness.is_some());
        assert_eq!(function.block().to_string(), "{ let y = x ; y }");
    }

    #[test]
    fn rejects_what_is_not_a_function() {
        assert!(syn::parse2::<EntryFn>(quote!(
            struct S;
        ))
        .is_err());
        assert!(syn::parse2::<EntryFn>(quote!(
            async fn f();
        ))
        .is_err());
    }

    #[test]
    fn finds_test_attributes() {
        for attr in [
            quote!(#[test]),
            quote!(#[core::prelude::v1::test]),
            quote!(#[::core::prelude::v1::test]),
            quote!(#[std::prelude::rust_2021::test]),
        ] {
            let function = parse(quote!(#attr async fn t() {}));
            assert!(function.test_attribute().is_some(), "{attr}");
        }
        for attr in [
            quote!(#[my::test]),
            quote!(#[::test]),
            quote!(#[test_case]),
            quote!(#[cfg(test)]),
            quote!(#[alloc::prelude::v1::test]),
        ] {
            let function = parse(quote!(#attr async fn t() {}));
            assert!(function.test_attribute().is_none(), "{attr}");
        }
    }

    #[test]
    fn last_statement_is_found() {
        /// `(line, column)` of the first and last tokens of the last statement.
        fn last_statement_at(source: &str) -> Option<((usize, usize), (usize, usize))> {
            let tokens: TokenStream = source.parse().expect("valid tokens");
            let tokens: Vec<TokenTree> = tokens.into_iter().collect();
            let at = |token: &TokenTree| {
                let start = token.span().start();
                (start.line, start.column)
            };
            last_statement(&tokens).map(|(first, last)| (at(first), at(last)))
        }
        assert_eq!(last_statement_at("a();\nb"), Some(((2, 0), (2, 0))));
        assert_eq!(last_statement_at("a();\n  b(1);"), Some(((2, 2), (2, 6))));
        assert_eq!(last_statement_at("Ok(())"), Some(((1, 0), (1, 2))));
        assert_eq!(
            last_statement_at("let x = [0; 3];\nif x[0] == 0 { y(); }"),
            Some(((2, 0), (2, 13)))
        );
        assert_eq!(last_statement_at(""), None);
    }
}
