package dev.optout.function.unsubscribe;

import dev.optout.formtoken.FormTokens;
import dev.optout.token.LinkToken;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService.Outcome;
import dev.optout.unsubscribe.UnsubscribeService.Scope;
import dev.optout.unsubscribe.UnsubscribeService.Status;
import dev.optout.web.Language;
import dev.optout.web.Messages;
import dev.optout.web.Page;
import dev.optout.web.PageLayout;
import dev.optout.web.ProblemPages;
import gg.jte.Content;

/**
 * The unsubscribe pages, in English and Indonesian. Every page names what the link does in plain
 * words; forms post back to the page's own URL with an {@code action} field, which is how a
 * confirmation from the page is told apart from an RFC 8058 one-click POST, and the link's form
 * token ({@link FormTokens#FIELD}). Each page says what will really happen for the address's
 * state: where a bounce or a complaint stops mail whatever the person chooses, it says so.
 *
 * <p>The markup is in the templates of {@code src/main/jte} (jte, compiled to Java at build time,
 * escaping every value); this class picks the page and its data.
 */
final class UnsubscribePages {
    /** Form field and its values, posted by the pages (never by mail clients). */
    static final String ACTION = "action";
    static final String UNSUBSCRIBE_TOPIC = "unsubscribe-topic";
    static final String UNSUBSCRIBE_ALL = "unsubscribe-all";
    static final String RESUBSCRIBE_TOPIC = "resubscribe-topic";
    static final String RESUBSCRIBE_ALL = "resubscribe-all";
    static final String LANG = PageLayout.LANG;

    private final PageLayout layout;
    private final Messages m;
    private final TopicCatalog topics;
    private final ProblemPages problems;

    UnsubscribePages(TopicCatalog topics) {
        this(topics, dev.optout.web.Brand.NONE);
    }

    UnsubscribePages(TopicCatalog topics, dev.optout.web.Brand brand) {
        this.m = Messages.load("dev/optout/function/unsubscribe/messages");
        this.layout = new PageLayout(m, brand);
        this.topics = topics;
        this.problems = new ProblemPages(layout);
    }

    /** GET: what the link will do, and the choice. Also shown when already unsubscribed: then the done page. */
    Page forLink(Language l, LinkToken t, Status status, String preferencesUrl, String formToken) {
        if (status.all() != null) {
            return done(l, t, new Outcome(Scope.ALL, status.all().at(), false, status.mail()), preferencesUrl, formToken);
        }
        if (status.topic() != null) {
            return done(l, t, new Outcome(Scope.TOPIC, status.topic().at(), false, status.mail()), preferencesUrl, formToken);
        }
        return render(l, "confirm.title", PageLayout.content(out -> JteconfirmGenerated.render(out, null, m, l, status.mail(),
                t.address().masked(), topicName(l, t), preferencesUrl, formToken)));
    }

    /**
     * After an opt-out: done, since when, undo. A pending one: recorded, takes effect within
     * minutes, with no undo (it would have nothing to undo) and no "more" choice until it is in the table.
     */
    Page done(Language l, LinkToken t, Outcome o, String preferencesUrl, String formToken) {
        return render(l, "done.title", PageLayout.content(out -> JtedoneGenerated.render(out, null, m, l, o, topicName(l, t),
                preferencesUrl, formToken)));
    }

    /**
     * After an undo: subscribed again, and the choice once more. When mail still does not reach
     * the address (a topic chosen again while unsubscribed from all, or stopped by a bounce or a
     * complaint), it says the choice is saved and why no mail comes, never "you will get".
     */
    Page resubscribed(Language l, LinkToken t, Outcome o, String preferencesUrl, String formToken) {
        boolean receiving = o.mail() == null || o.mail().receiving();
        return render(l, receiving ? "resubscribed.title" : "resubscribed.saved.title", PageLayout.content(out ->
                JteresubscribedGenerated.render(out, null, m, l, o, receiving, topicName(l, t), preferencesUrl, formToken)));
    }

    /**
     * A refused undo, locked by the consent rules; nothing changed. The address bounced: only the
     * support team can turn mail back on. A complaint stands: the page offers the confirmation
     * mail (posted to {@code resumeUrl}), whose confirmed round-trip gets mail back.
     */
    Page locked(Language l, dev.optout.preferences.PreferenceException.Code lock, String preferencesUrl, String formToken,
                String resumeUrl) {
        boolean complained = lock == dev.optout.preferences.PreferenceException.Code.COMPLAINT_LOCKED;
        String message = complained ? "refused.complained" : "refused.bounced";
        return render(l, "refused.title", PageLayout.content(out -> JterefusedGenerated.render(out, null, m, l, message, preferencesUrl,
                formToken, complained ? resumeUrl : null)));
    }

    /** The words of the "changed your mind?" form the person used to subscribe again: kept as the opt-in's evidence. */
    String undoWording(Language l, LinkToken t, Scope scope) {
        return m.text(l, "done.undo.legend") + " " + (scope == Scope.ALL ? m.text(l, "done.undo.all") : m.text(l, "done.undo.topic", topicName(l, t)));
    }

    /** The shared error pages, in this function's wording for its link. */
    ProblemPages problems() {
        return problems;
    }

    /** The link's topic by its name in the page's language, {@code null} for a link to all marketing mail. */
    private String topicName(Language l, LinkToken t) {
        return t.topic() == null ? null : topics.find(t.topic()).map(topic -> topic.name(l.code())).orElse(t.topic());
    }

    private Page render(Language l, String titleKey, Content main) {
        return layout.render(l, m.text(l, titleKey), main);
    }
}
