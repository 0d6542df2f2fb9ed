package dev.optout.function.preferences;

import dev.optout.http.FormData;
import dev.optout.preferences.MailStatus;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.preferences.PreferenceException;
import dev.optout.preferences.PreferenceUpdate;
import dev.optout.preferences.Preferences;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import dev.optout.web.Html;
import dev.optout.web.Language;
import dev.optout.web.Messages;
import dev.optout.web.Page;
import dev.optout.web.PageLayout;
import dev.optout.web.ProblemPages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The preference center page, in English and Indonesian: status in plain words, the topic and
 * frequency form, "unsubscribe from all" or "get mail again", and the recent history. Works
 * without JavaScript: three small forms posting back to the page's own URL, each with the form
 * token and an {@code action} field.
 */
final class PreferencesPages {
    /** Form fields and the values of {@code action}. */
    static final String ACTION = "action";
    static final String SAVE = "save";
    static final String UNSUBSCRIBE_ALL = "unsubscribe-all";
    static final String RESUBSCRIBE = "resubscribe";
    static final String FORM_TOKEN = dev.optout.token.FormTokens.FIELD;
    /** {@code topic.<id>=on} when the topic's box is ticked (an unticked box is not sent at all). */
    static final String TOPIC = "topic.";
    /** Overall frequency; {@code frequency.<id>} a topic's own, empty for "same as overall". */
    static final String FREQUENCY = "frequency";

    private final PageLayout layout;
    private final Messages m;
    private final TopicCatalog topics;
    private final ProblemPages problems;

    PreferencesPages(TopicCatalog topics) {
        this.m = Messages.load("dev/optout/function/preferences/messages");
        this.layout = new PageLayout(m);
        this.topics = topics;
        this.problems = new ProblemPages(layout);
    }

    ProblemPages problems() {
        return problems;
    }

    /**
     * What a page form asks for. Every catalog topic is on the form, so an absent box means "not
     * wanted"; a topic frequency left at "same as overall" is not sent as a choice of its own.
     */
    static PreferenceUpdate update(FormData form, TopicCatalog catalog) {
        String action = form.first(ACTION).orElse("");
        switch (action) {
            case UNSUBSCRIBE_ALL -> {
                return new PreferenceUpdate(Map.of(), Map.of(), null, false);
            }
            case RESUBSCRIBE -> {
                return new PreferenceUpdate(Map.of(), Map.of(), null, true);
            }
            case SAVE -> {
                Map<String, Boolean> chosen = new LinkedHashMap<>();
                Map<String, Frequency> own = new LinkedHashMap<>();
                Set<String> sameAsOverall = new LinkedHashSet<>();
                for (Topic t : catalog.all()) {
                    chosen.put(t.id(), form.first(TOPIC + t.id()).isPresent());
                    Optional<String> f = form.first(FREQUENCY + "." + t.id());
                    if (f.isPresent() && f.get().isEmpty()) {
                        sameAsOverall.add(t.id());
                    } else if (f.isPresent()) {
                        own.put(t.id(), frequency(f.get()));
                    }
                }
                String overall = form.first(FREQUENCY).orElse("");
                return new PreferenceUpdate(chosen, own, sameAsOverall, overall.isEmpty() ? null : frequency(overall), null);
            }
            default -> throw new PreferenceException(PreferenceException.Code.MALFORMED, "unknown action");
        }
    }

    private static Frequency frequency(String text) {
        Frequency f = Frequency.parseOrNull(text);
        if (f == null) {
            throw new PreferenceException(PreferenceException.Code.UNKNOWN_FREQUENCY, "unknown frequency");
        }
        return f;
    }

    /**
     * The page. {@code outcome}: just saved (what changed, or nothing); {@code refused}: a request
     * the rules refused (a hard bounce cannot be lifted here).
     */
    Page page(Language l, Preferences p, String formToken, PreferenceCenter.Outcome outcome, PreferenceException.Code refused) {
        StringBuilder b = new StringBuilder();
        if (outcome != null) {
            b.append(saved(l, outcome));
        }
        if (refused == PreferenceException.Code.HARD_BOUNCE_LOCKED) {
            b.append("<div class=\"problem\" role=\"alert\"><p>").append(m.html(l, "refused.bounced")).append("</p></div>\n");
        }
        b.append("<p>").append(m.html(l, "intro", p.maskedAddress())).append("</p>\n");
        b.append(status(l, p.status(), formToken));
        b.append(choices(l, p, formToken));
        if (p.status().receiving()) {
            b.append(form(l, formToken, "stop.legend", UNSUBSCRIBE_ALL, "stop.button", true))
                    .append("<p class=\"note\">").append(m.html(l, "service")).append("</p>\n");
        }
        b.append(history(l, p));
        return layout.render(l, m.text(l, "title"), b.toString());
    }

    /**
     * A save whose opt-outs wait in the queue of pending changes (the table could not take it):
     * what will stop, that it takes effect within minutes, and that nothing else was saved. The
     * settings themselves cannot be shown (they could not be read).
     */
    Page pending(Language l, PreferenceCenter.Outcome o) {
        StringBuilder b = new StringBuilder("<div class=\"done\" role=\"status\">\n<p><strong>")
                .append(m.html(l, "pending.title")).append("</strong></p>\n<ul>\n");
        for (Change c : o.changes()) {
            b.append("<li>").append(Html.escape(describe(l, c))).append("</li>\n");
        }
        b.append("</ul>\n<p>").append(m.html(l, "pending.effect")).append("</p>\n</div>\n");
        b.append("<p>").append(m.html(l, "pending.rest")).append("</p>\n");
        return layout.render(l, m.text(l, "title"), b.toString());
    }

    /** What the save changed, in plain words, and that it is already in force. */
    private String saved(Language l, PreferenceCenter.Outcome o) {
        StringBuilder b = new StringBuilder("<div class=\"done\" role=\"status\">\n");
        if (o.changes().isEmpty()) {
            return b.append("<p>").append(m.html(l, "saved.nothing")).append("</p>\n</div>\n").toString();
        }
        b.append("<p><strong>").append(m.html(l, "saved.title")).append("</strong></p>\n<ul>\n");
        for (Change c : o.changes()) {
            b.append("<li>").append(Html.escape(describe(l, c))).append("</li>\n");
        }
        return b.append("</ul>\n<p>").append(m.html(l, "saved.effect")).append("</p>\n</div>\n").toString();
    }

    private String describe(Language l, Change c) {
        return switch (c.action()) {
            case UNSUBSCRIBE_TOPIC -> m.text(l, "change.UNSUBSCRIBE_TOPIC", topicName(l, c.topic()));
            case SUBSCRIBE_TOPIC -> m.text(l, "change.SUBSCRIBE_TOPIC", topicName(l, c.topic()));
            case SET_FREQUENCY -> c.topic() == null ? m.text(l, "change.SET_FREQUENCY", frequencyName(l, c.frequency()))
                    : m.text(l, "change.SET_FREQUENCY.topic", topicName(l, c.topic()), frequencyName(l, c.frequency()));
            default -> m.text(l, "change." + c.action().name());
        };
    }

    /** When mail has stopped: why, since when, and how to get it back where the person can. */
    private String status(Language l, MailStatus s, String formToken) {
        if (s.receiving()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<section class=\"problem\" aria-labelledby=\"status-title\">\n<h2 id=\"status-title\">")
                .append(m.html(l, "status.title")).append("</h2>\n<p>").append(m.html(l, "status." + s.kind().name())).append("</p>\n");
        if (s.since() != null) {
            b.append("<p>").append(m.html(l, "status.since")).append(" ").append(Html.time(s.since(), l)).append(".</p>\n");
        }
        if (s.canResume()) {
            b.append(form(l, formToken, "resume.legend", RESUBSCRIBE, "resume.button", false));
        } else {
            b.append("<p>").append(m.html(l, "status.BOUNCED.how")).append("</p>\n");
        }
        return b.append("</section>\n").toString();
    }

    /** The main form: a topic per row (box, description, frequency), then the overall frequency. */
    private String choices(Language l, Preferences p, String formToken) {
        StringBuilder b = new StringBuilder("<form method=\"post\">\n")
                .append(Html.hidden(PageLayout.LANG, l.code())).append(Html.hidden(FORM_TOKEN, formToken))
                .append(Html.hidden(ACTION, SAVE)).append("\n<fieldset>\n<legend>").append(m.html(l, "topics.legend")).append("</legend>\n");
        if (!p.status().receiving()) {
            b.append("<p class=\"note\">").append(m.html(l, "topics.kept")).append("</p>\n");
        }
        for (Preferences.TopicChoice c : p.topics()) {
            String id = Html.escape(c.topic().id());
            b.append("<div class=\"topic\">\n<div class=\"choice\"><input type=\"checkbox\" id=\"topic-").append(id)
                    .append("\" name=\"").append(TOPIC).append(id).append("\" value=\"on\" aria-describedby=\"about-").append(id).append("\"")
                    .append(c.chosen() ? " checked" : "").append("><label for=\"topic-").append(id).append("\">")
                    .append(Html.escape(c.topic().name(l.code()))).append("</label></div>\n")
                    .append("<p class=\"note\" id=\"about-").append(id).append("\">").append(Html.escape(c.topic().description(l.code())))
                    .append("</p>\n<div class=\"how\"><label for=\"frequency-").append(id).append("\">").append(m.html(l, "topic.frequency"))
                    .append("</label><select id=\"frequency-").append(id).append("\" name=\"").append(FREQUENCY).append(".").append(id).append("\">")
                    .append(option("", m.text(l, "frequency.overall"), !c.explicitFrequency()));
            for (Frequency f : Frequency.values()) {
                b.append(option(f.name(), frequencyName(l, f), c.explicitFrequency() && c.frequency() == f));
            }
            b.append("</select></div>\n</div>\n");
        }
        b.append("</fieldset>\n<fieldset>\n<legend>").append(m.html(l, "frequency.legend")).append("</legend>\n")
                .append("<p class=\"note\">").append(m.html(l, "frequency.note")).append("</p>\n");
        for (Frequency f : Frequency.values()) {
            String id = "frequency-all-" + f.name().toLowerCase(java.util.Locale.ROOT);
            b.append("<div class=\"choice\"><input type=\"radio\" id=\"").append(id).append("\" name=\"").append(FREQUENCY)
                    .append("\" value=\"").append(f.name()).append("\"").append(p.frequency() == f ? " checked" : "")
                    .append("><label for=\"").append(id).append("\">").append(Html.escape(frequencyName(l, f))).append("</label></div>\n");
        }
        return b.append("</fieldset>\n<p class=\"note\">").append(m.html(l, "save.effect"))
                .append("</p>\n<div class=\"actions\"><button type=\"submit\">").append(m.html(l, "save.button"))
                .append("</button></div>\n</form>\n").toString();
    }

    /** The last changes: what, when, how. */
    private String history(Language l, Preferences p) {
        StringBuilder b = new StringBuilder("<section aria-labelledby=\"history-title\">\n<h2 id=\"history-title\">")
                .append(m.html(l, "history.title")).append("</h2>\n");
        if (p.history().isEmpty()) {
            return b.append("<p>").append(m.html(l, "history.none")).append("</p>\n</section>\n").toString();
        }
        b.append("<table>\n<caption class=\"note\">").append(m.html(l, "history.caption", p.history().size()))
                .append("</caption>\n<thead><tr><th scope=\"col\">").append(m.html(l, "history.what"))
                .append("</th><th scope=\"col\">").append(m.html(l, "history.when"))
                .append("</th><th scope=\"col\">").append(m.html(l, "history.how")).append("</th></tr></thead>\n<tbody>\n");
        for (HistoryEvent h : p.history()) {
            b.append("<tr><td>").append(Html.escape(what(l, h))).append("</td><td>").append(Html.time(h.at(), l))
                    .append("</td><td>").append(m.html(l, "source." + h.source().name())).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n</section>\n").toString();
    }

    private String what(Language l, HistoryEvent h) {
        return switch (h.action()) {
            case UNSUBSCRIBE_TOPIC, SUBSCRIBE_TOPIC -> m.text(l, "history." + h.action().name(), topicName(l, h.topic()));
            case SET_FREQUENCY -> h.topic() == null
                    ? m.text(l, "history.SET_FREQUENCY", frequencyName(l, h.frequency()))
                    : m.text(l, "history.SET_FREQUENCY.topic", topicName(l, h.topic()), frequencyName(l, h.frequency()));
            default -> m.text(l, "history." + h.action().name());
        };
    }

    /** A one-button form in a fieldset. */
    private String form(Language l, String formToken, String legendKey, String action, String buttonKey, boolean secondary) {
        return "<form method=\"post\">\n<fieldset>\n<legend>" + m.html(l, legendKey) + "</legend>\n"
                + Html.hidden(PageLayout.LANG, l.code()) + Html.hidden(FORM_TOKEN, formToken) + Html.hidden(ACTION, action)
                + "\n<div class=\"actions\"><button type=\"submit\"" + (secondary ? " class=\"secondary\"" : "") + ">"
                + m.html(l, buttonKey) + "</button></div>\n</fieldset>\n</form>\n";
    }

    private static String option(String value, String text, boolean selected) {
        return "<option value=\"" + Html.escape(value) + "\"" + (selected ? " selected" : "") + ">" + Html.escape(text) + "</option>";
    }

    private String frequencyName(Language l, Frequency f) {
        return f == null ? m.text(l, "frequency.overall") : m.text(l, "frequency." + f.name());
    }

    private String topicName(Language l, String id) {
        return id == null ? "" : topics.find(id).map(t -> t.name(l.code())).orElse(id);
    }
}
