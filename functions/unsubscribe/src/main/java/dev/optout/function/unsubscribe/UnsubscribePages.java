package dev.optout.function.unsubscribe;

import dev.optout.preferences.MailStatus;
import dev.optout.token.FormTokens;
import dev.optout.token.LinkToken;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService.Outcome;
import dev.optout.unsubscribe.UnsubscribeService.Scope;
import dev.optout.unsubscribe.UnsubscribeService.Status;
import dev.optout.web.Html;
import dev.optout.web.Language;
import dev.optout.web.Messages;
import dev.optout.web.Page;
import dev.optout.web.PageLayout;
import dev.optout.web.ProblemPages;


/**
 * The unsubscribe pages, in English and Indonesian. Every page names what the link does in plain
 * words; forms post back to the page's own URL with an {@code action} field, which is how a
 * confirmation from the page is told apart from an RFC 8058 one-click POST, and the link's form
 * token ({@link FormTokens#FIELD}). Each page says what will really happen for the address's
 * state: where a bounce or a complaint stops mail whatever the person chooses, it says so.
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
        this.m = Messages.load("dev/optout/function/unsubscribe/messages");
        this.layout = new PageLayout(m);
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
        StringBuilder b = new StringBuilder();
        b.append(stopped(l, status.mail()));
        b.append("<p>").append(t.topic() == null
                ? m.html(l, "confirm.intro.all", t.address().masked())
                : m.html(l, "confirm.intro.topic", t.address().masked(), topicName(l, t))).append("</p>\n");
        b.append("<p>").append(m.html(l, "confirm.effect")).append("</p>\n");
        b.append(choiceForm(l, t, formToken));
        b.append(preferences(l, preferencesUrl));
        return render(l, "confirm.title", b);
    }

    /** After an opt-out: done, since when, undo. A pending one: recorded, takes effect within minutes. */
    Page done(Language l, LinkToken t, Outcome o, String preferencesUrl, String formToken) {
        StringBuilder b = new StringBuilder();
        b.append(statusBox(l, t, o, "done.all", "done.topic", "done.since"));
        if (o.mail() != null && o.mail().kind() != MailStatus.Kind.UNSUBSCRIBED) {
            b.append(stopped(l, o.mail()));
        }
        if (o.pending()) {
            // Not in the table yet: no undo (it would have nothing to undo) and no "more" choice until it is.
            b.append("<p>").append(m.html(l, "done.pending")).append("</p>\n");
            b.append("<p>").append(m.html(l, "done.service")).append("</p>\n");
            b.append(preferences(l, preferencesUrl));
            return render(l, "done.title", b);
        }
        b.append("<p>").append(m.html(l, "done.service")).append("</p>\n");
        if (o.scope() == Scope.TOPIC) {
            b.append(form(l, formToken, "done.more.legend", UNSUBSCRIBE_ALL, m.html(l, "confirm.button.all"), false));
        }
        boolean bounced = o.mail() != null && o.mail().kind() == MailStatus.Kind.BOUNCED;
        if (!(bounced && o.scope() == Scope.ALL)) {
            // An all-mail undo cannot bring mail back to an address that bounced: not offered.
            b.append(form(l, formToken, "done.undo.legend", o.scope() == Scope.ALL ? RESUBSCRIBE_ALL : RESUBSCRIBE_TOPIC,
                    o.scope() == Scope.ALL ? m.html(l, "done.undo.all") : m.html(l, "done.undo.topic", topicName(l, t)), true));
        }
        b.append(preferences(l, preferencesUrl));
        return render(l, "done.title", b);
    }

    /**
     * After an undo: subscribed again, and the choice once more. When mail still does not reach
     * the address (a topic chosen again while unsubscribed from all, or stopped by a bounce or a
     * complaint), it says the choice is saved and why no mail comes, never "you will get".
     */
    Page resubscribed(Language l, LinkToken t, Outcome o, String preferencesUrl, String formToken) {
        StringBuilder b = new StringBuilder();
        boolean receiving = o.mail() == null || o.mail().receiving();
        if (receiving) {
            b.append(statusBox(l, t, o, "resubscribed.all", "resubscribed.topic", "resubscribed.at"));
        } else {
            b.append(statusBox(l, t, o, "resubscribed.all", "resubscribed.topic.saved", "resubscribed.at"));
            b.append(stopped(l, o.mail()));
        }
        b.append(choiceForm(l, t, formToken));
        b.append(preferences(l, preferencesUrl));
        return render(l, receiving ? "resubscribed.title" : "resubscribed.saved.title", b);
    }

    /** A refused undo: the address bounced, so only the support team can turn mail back on; nothing changed. */
    Page bounceLocked(Language l, String preferencesUrl) {
        StringBuilder b = new StringBuilder("<div class=\"problem\" role=\"alert\"><p>")
                .append(m.html(l, "refused.bounced")).append("</p></div>\n");
        b.append(preferences(l, preferencesUrl));
        return render(l, "refused.title", b);
    }

    /**
     * Why mail does not reach the address whatever is chosen here: a bounce, repeated soft
     * bounces, a complaint, or (on a topic page) the all-mail opt-out. Empty while mail flows.
     */
    private String stopped(Language l, MailStatus mail) {
        if (mail == null || mail.receiving()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=\"note\" role=\"note\"><p>")
                .append(m.html(l, "stopped." + mail.kind().name()));
        if (mail.since() != null) {
            b.append(" ").append(m.html(l, "stopped.since")).append(" ").append(Html.time(mail.since(), l)).append(".");
        }
        return b.append("</p></div>\n").toString();
    }

    /** The confirmation box of a change: what happened (for all mail or the link's topic) and when. */
    private String statusBox(Language l, LinkToken t, Outcome o, String allKey, String topicKey, String timeKey) {
        return "<div class=\"done\" role=\"status\">\n<p>"
                + (o.scope() == Scope.ALL ? m.html(l, allKey) : m.html(l, topicKey, topicName(l, t)))
                + "</p>\n<p>" + m.html(l, timeKey) + " " + Html.time(o.since(), l) + ".</p>\n</div>\n";
    }

    /** The shared error pages, in this function's wording for its link. */
    ProblemPages problems() {
        return problems;
    }

    /** The radio choice (this topic, or all marketing mail) with one confirm button. */
    private String choiceForm(Language l, LinkToken t, String formToken) {
        StringBuilder b = new StringBuilder("<form method=\"post\">\n").append(Html.hidden(LANG, l.code()))
                .append(Html.hidden(FormTokens.FIELD, formToken)).append("\n");
        if (t.topic() == null) {
            b.append(Html.hidden(ACTION, UNSUBSCRIBE_ALL)).append("\n<div class=\"actions\"><button type=\"submit\">")
                    .append(m.html(l, "confirm.button.all")).append("</button></div>\n</form>\n");
            return b.toString();
        }
        b.append("<fieldset>\n<legend>").append(m.html(l, "confirm.legend")).append("</legend>\n")
                .append("<div class=\"choice\"><input type=\"radio\" id=\"scope-topic\" name=\"").append(ACTION)
                .append("\" value=\"").append(UNSUBSCRIBE_TOPIC).append("\" checked>")
                .append("<label for=\"scope-topic\">").append(m.html(l, "confirm.choice.topic", topicName(l, t))).append("</label></div>\n")
                .append("<div class=\"choice\"><input type=\"radio\" id=\"scope-all\" name=\"").append(ACTION)
                .append("\" value=\"").append(UNSUBSCRIBE_ALL).append("\">")
                .append("<label for=\"scope-all\">").append(m.html(l, "confirm.choice.all")).append("</label></div>\n")
                .append("</fieldset>\n<div class=\"actions\"><button type=\"submit\">").append(m.html(l, "confirm.button.choose"))
                .append("</button></div>\n</form>\n");
        return b.toString();
    }

    /** A one-button form in a fieldset. {@code buttonHtml} is already escaped. */
    private String form(Language l, String formToken, String legendKey, String action, String buttonHtml, boolean secondary) {
        return "<form method=\"post\">\n<fieldset>\n<legend>" + m.html(l, legendKey) + "</legend>\n"
                + Html.hidden(LANG, l.code()) + Html.hidden(FormTokens.FIELD, formToken) + Html.hidden(ACTION, action)
                + "\n<div class=\"actions\"><button type=\"submit\"" + (secondary ? " class=\"secondary\"" : "") + ">"
                + buttonHtml + "</button></div>\n</fieldset>\n</form>\n";
    }

    private String preferences(Language l, String url) {
        return "<p>" + m.html(l, "confirm.preferences.lead") + " <a href=\"" + Html.escape(url) + "\">"
                + m.html(l, "preferences.link") + "</a></p>\n";
    }

    private String topicName(Language l, LinkToken t) {
        return topics.find(t.topic()).map(topic -> topic.name(l.code())).orElse(t.topic());
    }

    private Page render(Language l, String titleKey, StringBuilder main) {
        return layout.render(l, m.text(l, titleKey), main.toString());
    }

}
