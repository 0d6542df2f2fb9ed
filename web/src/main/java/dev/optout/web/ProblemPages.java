package dev.optout.web;

import dev.optout.token.InvalidTokenException;
import java.util.Objects;

/**
 * The error pages every link page shares: a link that does not work (forged, damaged, expired),
 * a request not understood, the records out of reach, nothing here. Each says that nothing has
 * been changed. Texts come from the common bundle ({@code error.*} keys of
 * {@code dev/optout/web/common_*.properties}); a function's own bundle may word them for its link.
 */
public final class ProblemPages {
    private final PageLayout layout;
    private final Messages m;

    public ProblemPages(PageLayout layout) {
        this.layout = Objects.requireNonNull(layout);
        this.m = layout.messages();
    }

    /** 410 Gone for an expired link (it was good once), 400 for anything else: not ours, altered, retired key. */
    public static int status(InvalidTokenException.Reason reason) {
        return reason == InvalidTokenException.Reason.EXPIRED ? 410 : 400;
    }

    public Page token(Language l, InvalidTokenException.Reason reason, long lifetimeDays) {
        String text = reason == InvalidTokenException.Reason.EXPIRED
                ? m.text(l, "error.token.expired", lifetimeDays) : m.text(l, "error.token.invalid");
        return box(l, "error.token.title", text);
    }

    public Page request(Language l) {
        return box(l, "error.request.title", m.text(l, "error.request.body"));
    }

    public Page store(Language l) {
        return box(l, "error.store.title", m.text(l, "error.store.body"));
    }

    public Page notFound(Language l) {
        return box(l, "error.notfound.title", m.text(l, "error.notfound.body"));
    }

    /** Refused as cross-site, or without the page's form token. */
    public Page forbidden(Language l) {
        return box(l, "error.forbidden.title", m.text(l, "error.forbidden.body"));
    }

    private Page box(Language l, String titleKey, String text) {
        return layout.render(l, m.text(l, titleKey), PageLayout.content(out -> JteproblemGenerated.render(out, null, text)));
    }
}
