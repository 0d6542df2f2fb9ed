package dev.optout.web;

import dev.optout.text.Sha256;
import gg.jte.Content;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The frame of every page: declared language, phone viewport, one inline style sheet (allowed
 * by its hash in the Content-Security-Policy, so no {@code 'unsafe-inline'}), a visible language
 * switch, and a main landmark. No scripts, images, fonts or other external resources.
 *
 * <p>Colours meet WCAG 2.1 AA contrast (text #1a1a1a and links/buttons #0b5394 on white, white on
 * #0b5394 all above 4.5:1); every control shows a 3px focus outline for keyboard use.
 *
 * <p>Content classes offered to pages: {@code .actions} (a row of buttons), {@code button.secondary},
 * {@code .note} (quieter text), {@code .done} (a confirmation box), {@code .problem} (an error box),
 * {@code fieldset}/{@code legend}/{@code label} for forms, {@code .choice} (one radio/checkbox with its label),
 * {@code select}, {@code .topic} (a topic's choice with its {@code .note} description and {@code .how}
 * frequency row), {@code table}/{@code caption} (e.g. a history).
 */
public final class PageLayout {
    /** The one style sheet. Changing it changes its hash, which {@link #CONTENT_SECURITY_POLICY} follows. */
    public static final String CSS = String.join("",
            "*,*::before,*::after{box-sizing:border-box}",
            "html{-webkit-text-size-adjust:100%}",
            "body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;font-size:1.0625rem;",
            "line-height:1.5;color:#1a1a1a;background:#fff}",
            "header,main,footer{max-width:38rem;margin:0 auto;padding:1rem}",
            "header{display:flex;justify-content:flex-end;align-items:center;flex-wrap:wrap;gap:.5rem;border-bottom:1px solid #d0d0d0}",
            ".brand{margin:0 auto 0 0;font-weight:700;display:flex;align-items:center;gap:.5rem}",
            "nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem}",
            "nav a[aria-current]{font-weight:700;text-decoration:none;color:#1a1a1a}",
            "h1{font-size:1.5rem;line-height:1.25;margin:1rem 0}",
            "a{color:#0b5394;text-decoration:underline}",
            "a:hover{color:#073763}",
            "fieldset{border:1px solid #8a8a8a;border-radius:.5rem;margin:1rem 0;padding:.75rem 1rem}",
            "legend{font-weight:700;padding:0 .25rem}",
            ".choice{display:flex;align-items:flex-start;gap:.5rem;margin:.5rem 0}",
            ".choice input{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none}",
            "label{cursor:pointer}",
            ".actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}",
            "button{font:inherit;font-weight:600;padding:.7rem 1.2rem;min-height:2.75rem;border-radius:.4rem;",
            "border:2px solid #0b5394;background:#0b5394;color:#fff;cursor:pointer}",
            "button:hover{background:#073763;border-color:#073763}",
            "button.secondary{background:#fff;color:#0b5394}",
            "button.secondary:hover{background:#eef4fb}",
            "select{font:inherit;padding:.4rem .5rem;min-height:2.75rem;max-width:100%;border:1px solid #5a5a5a;",
            "border-radius:.3rem;background:#fff;color:#1a1a1a}",
            "a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}",
            "a:focus,button:focus,input:focus,select:focus{outline:3px solid #1a1a1a;outline-offset:2px}",
            ".topic{border-top:1px solid #d0d0d0;padding:.5rem 0}",
            ".topic .note{margin:.1rem 0 .4rem 1.75rem}",
            ".topic .how{margin-left:1.75rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}",
            "table{border-collapse:collapse;width:100%;font-size:.95rem}",
            "caption{text-align:left;font-weight:700;padding:.25rem 0}",
            "th,td{text-align:left;vertical-align:top;padding:.4rem .5rem .4rem 0;border-bottom:1px solid #d0d0d0}",
            ".note{color:#4a4a4a;font-size:.95rem}",
            ".done{border-left:.35rem solid #1e7b34;background:#f1f8f3;padding:.75rem 1rem;margin:1rem 0}",
            ".problem{border-left:.35rem solid #b3261e;background:#fdf2f1;padding:.75rem 1rem;margin:1rem 0}",
            "footer{color:#4a4a4a;font-size:.9rem;border-top:1px solid #d0d0d0;margin-top:2rem}");

    /** {@code 'sha256-...'} of {@link #CSS}, for the style-src directive. */
    public static final String STYLE_HASH = "'sha256-" + Sha256.base64(Sha256.of(CSS)) + "'";

    /**
     * Nothing may load but the inline style named by its hash; forms post only to this origin;
     * no framing (clickjacking on an unsubscribe button), no {@code <base>} rewriting.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src " + STYLE_HASH
            + "; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** The query parameter and form field that carry the chosen language (see HttpRequest#language). */
    public static final String LANG = "lang";

    private final Messages messages;
    private final Brand brand;
    /** {@link #CSS} and the brand's colours: the style sheet of this layout's pages. */
    private final String css;
    private final String contentSecurityPolicy;

    public PageLayout(Messages messages) {
        this(messages, Brand.NONE);
    }

    /** Pages that say who is asking: the brand's name, logo, colours, postal address and privacy link. */
    public PageLayout(Messages messages, Brand brand) {
        this.messages = Objects.requireNonNull(messages);
        this.brand = Objects.requireNonNull(brand);
        this.css = CSS + brand.css();
        this.contentSecurityPolicy = "default-src 'none'; style-src 'sha256-" + Sha256.base64(Sha256.of(css)) + "'; img-src "
                + (brand.logoOrigin() == null ? "'none'" : brand.logoOrigin())
                + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    public Brand brand() {
        return brand;
    }

    public Messages messages() {
        return messages;
    }

    /**
     * A whole page whose language switch links to {@code ?lang=xx} of the same URL (the pages'
     * forms post the language back in a {@link #LANG} field).
     */
    public Page render(Language language, String title, Content main) {
        return render(language, title, main, l -> "?" + LANG + "=" + l.code());
    }

    /**
     * A whole page, from {@code layout.jte}.
     *
     * @param title      plain text (escaped by the template)
     * @param main       the page's content: a template's output ({@link #content})
     * @param switchHref where each language's version of this page is, e.g. {@code l -> "?lang=" + l.code()}
     */
    public Page render(Language language, String title, Content main, Function<Language, String> switchHref) {
        StringOutput out = new StringOutput(8192);
        JtelayoutGenerated.render(new OwaspHtmlTemplateOutput(out), null, messages, language, title, switchHref, main, brand, css);
        return new Page(out.toString(), contentSecurityPolicy);
    }

    /**
     * A template's output as content for another template (templates of different modules cannot
     * call each other by name): {@code PageLayout.content(out -> JtexGenerated.render(out, null, ...))}.
     * The output is always the HTML one a page is rendered with.
     */
    public static Content content(Consumer<HtmlTemplateOutput> template) {
        return output -> template.accept((HtmlTemplateOutput) output);
    }

    /** The one-button form every page uses (a fieldset, the hidden language, form token and action). */
    public static Content oneButtonForm(Language l, String formToken, String legend, String action, String button,
                                        boolean secondary) {
        return content(out -> JteoneButtonFormGenerated.render(out, null, legend, l.code(), formToken, action, button, secondary));
    }

    /**
     * The form that asks for the confirmation mail after a complaint (a link alone never lifts
     * one; the confirmed round-trip does). It posts to {@code url}, the resume route of the same
     * link, with the link's form token and the language; texts {@code resume.mail.*} are common.
     */
    public static Content resumeByMailForm(Messages m, Language l, String formToken, String url) {
        return content(out -> JteresumeByMailFormGenerated.render(out, null, m, l, formToken, url));
    }

    /** A {@code <time>} element: machine-readable ISO instant, readable text in the page's language. */
    public static Content time(Instant at, Language l) {
        return content(out -> JtetimeGenerated.render(out, null, at, l));
    }
}
