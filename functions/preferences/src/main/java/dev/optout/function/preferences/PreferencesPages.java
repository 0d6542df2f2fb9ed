package dev.optout.function.preferences;

import dev.optout.http.FormData;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.preferences.PreferenceException;
import dev.optout.preferences.PreferenceUpdate;
import dev.optout.preferences.Preferences;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
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
 * token and an {@code action} field. The markup is in {@code src/main/jte} (jte, compiled to Java at
 * build time, escaping every value); this class picks the page, its data and its words.
 */
final class PreferencesPages {
    /** Form fields and the values of {@code action}. */
    static final String ACTION = "action";
    static final String SAVE = "save";
    /** The hidden field that carries the version of the state the form was drawn from. */
    static final String VERSION = "version";
    static final String UNSUBSCRIBE_ALL = "unsubscribe-all";
    static final String RESUBSCRIBE = "resubscribe";
    /** "Download my data": the address's data as a JSON file. */
    static final String DOWNLOAD = "download";
    /** "Erase me": the confirm step; {@link #ERASE_CONFIRMED} its form. */
    static final String ERASE = "erase";
    static final String ERASE_CONFIRMED = "erase-confirmed";
    static final String FORM_TOKEN = dev.optout.formtoken.FormTokens.FIELD;
    /** {@code topic.<id>=on} when the topic's box is ticked (an unticked box is not sent at all). */
    static final String TOPIC = "topic.";
    /** Overall frequency; {@code frequency.<id>} a topic's own, empty for "same as overall". */
    static final String FREQUENCY = "frequency";

    private final PageLayout layout;
    private final Messages m;
    private final TopicCatalog topics;
    private final ProblemPages problems;

    PreferencesPages(TopicCatalog topics) {
        this(topics, dev.optout.web.Brand.NONE);
    }

    PreferencesPages(TopicCatalog topics, dev.optout.web.Brand brand) {
        this.m = Messages.load("dev/optout/function/preferences/messages");
        this.layout = new PageLayout(m, brand);
        this.topics = topics;
        this.problems = new ProblemPages(layout);
    }

    /**
     * The words the person saw for an opt-in, kept as its evidence: a topic's name and description
     * as the page shows them, or the "get mail again" question and button.
     */
    String wording(Language l, Change c) {
        if (c.topic() != null) {
            Topic t = topics.find(c.topic()).orElse(null);
            return t == null ? c.topic() : t.name(l.code()) + ": " + t.description(l.code());
        }
        return m.text(l, "resume.legend") + " " + m.text(l, "resume.button");
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
                return new PreferenceUpdate(chosen, own, sameAsOverall, overall.isEmpty() ? null : frequency(overall), null,
                        version(form.first(VERSION).orElse(null)));
            }
            default -> throw new PreferenceException(PreferenceException.Code.MALFORMED, "unknown action");
        }
    }

    /** The version the form was drawn from; a form without one (an older page) saves as before. */
    private static Long version(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new PreferenceException(PreferenceException.Code.MALFORMED, "version is not a number");
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
     * The page ({@code page.jte}). {@code outcome}: just saved (what changed, or nothing);
     * {@code refused}: a request the rules refused (a hard bounce cannot be lifted here).
     */
    Page page(Language l, Preferences p, String formToken, PreferenceCenter.Outcome outcome, PreferenceException.Code refused) {
        return page(l, p, formToken, outcome, refused, null);
    }

    /**
     * The page, and where a complaint stands, the form that asks for the confirmation mail
     * (posted to {@code resumeUrl}: a confirmed round-trip lifts a complaint, a link never does).
     */
    Page page(Language l, Preferences p, String formToken, PreferenceCenter.Outcome outcome, PreferenceException.Code refused,
              String resumeUrl) {
        return layout.render(l, m.text(l, "title"), PageLayout.content(out ->
                JtepageGenerated.render(out, null, this, m, l, p, formToken, outcome, refused, resumeUrl)));
    }

    /**
     * A save whose opt-outs wait in the queue of pending changes (the table could not take it):
     * what will stop, that it takes effect within minutes, and that nothing else was saved. The
     * settings themselves cannot be shown (they could not be read).
     */
    /** The confirm step of "Erase me": what erasure means, and one button. */
    Page erase(Language l, String maskedAddress, String formToken) {
        return layout.render(l, m.text(l, "erase.title"), PageLayout.content(out -> JteeraseGenerated.render(out, null, m, l,
                maskedAddress, formToken)));
    }

    /** After "Erase me": what was erased, the provider's list, and when the last copy in a queue is gone. */
    Page erased(Language l, dev.optout.erasure.AddressErasure.Result result) {
        return layout.render(l, m.text(l, "erased.title"), PageLayout.content(out -> JteerasedGenerated.render(out, null, m, l, result)));
    }

    Page pending(Language l, PreferenceCenter.Outcome o) {
        return layout.render(l, m.text(l, "title"), PageLayout.content(out -> JtependingGenerated.render(out, null, this, m, l, o)));
    }

    /** A change in plain words. */
    String describe(Language l, Change c) {
        return switch (c.action()) {
            case UNSUBSCRIBE_TOPIC -> m.text(l, "change.UNSUBSCRIBE_TOPIC", topicName(l, c.topic()));
            // a topic that needs confirmed consent: the choice is saved, but no mail comes before the confirmation
            case SUBSCRIBE_TOPIC -> topics.find(c.topic()).filter(t -> t.needsConfirmation()).isPresent()
                    && c.provenance().source() != dev.optout.suppression.Source.CONFIRMED_OPT_IN
                    ? m.text(l, "change.SUBSCRIBE_TOPIC.unconfirmed", topicName(l, c.topic()))
                    : m.text(l, "change.SUBSCRIBE_TOPIC", topicName(l, c.topic()));
            case SET_FREQUENCY -> c.topic() == null ? m.text(l, "change.SET_FREQUENCY", frequencyName(l, c.frequency()))
                    : m.text(l, "change.SET_FREQUENCY.topic", topicName(l, c.topic()), frequencyName(l, c.frequency()));
            default -> m.text(l, "change." + c.action().name());
        };
    }

    /** A history entry in plain words. */
    String what(Language l, HistoryEvent h) {
        return switch (h.action()) {
            case UNSUBSCRIBE_TOPIC, SUBSCRIBE_TOPIC -> m.text(l, "history." + h.action().name(), topicName(l, h.topic()));
            case SET_FREQUENCY -> h.topic() == null
                    ? m.text(l, "history.SET_FREQUENCY", frequencyName(l, h.frequency()))
                    : m.text(l, "history.SET_FREQUENCY.topic", topicName(l, h.topic()), frequencyName(l, h.frequency()));
            default -> m.text(l, "history." + h.action().name());
        };
    }

    String frequencyName(Language l, Frequency f) {
        return f == null ? m.text(l, "frequency.overall") : m.text(l, "frequency." + f.name());
    }

    private String topicName(Language l, String id) {
        return id == null ? "" : topics.find(id).map(t -> t.name(l.code())).orElse(id);
    }
}
