package dev.optout.function.subscribe;

import dev.optout.topic.TopicCatalog;
import dev.optout.web.Language;
import dev.optout.web.Messages;
import dev.optout.web.Page;
import dev.optout.web.PageLayout;
import dev.optout.web.ProblemPages;
import java.util.List;

/**
 * The subscribe pages, in English and Indonesian: "check your inbox" (the same whatever the
 * address), the confirmation page (its one form is the only way to confirm), confirmed, a request
 * no longer waiting, and a complaint that a link cannot lift. Markup in {@code src/main/jte}.
 */
final class SubscribePages {
    private final PageLayout layout;
    private final Messages m;
    private final TopicCatalog topics;
    private final ProblemPages problems;

    SubscribePages(TopicCatalog topics) {
        this(topics, dev.optout.web.Brand.NONE);
    }

    SubscribePages(TopicCatalog topics, dev.optout.web.Brand brand) {
        this.m = Messages.load("dev/optout/function/subscribe/messages");
        this.layout = new PageLayout(m, brand);
        this.topics = topics;
        this.problems = new ProblemPages(layout);
    }

    ProblemPages problems() {
        return problems;
    }

    Messages messages() {
        return m;
    }

    /** Topic names in the language, for the pages and the mail. */
    List<String> names(Language l, List<String> ids) {
        return ids.stream().map(id -> id.equals(dev.optout.optin.SubscribeService.ALL_MAIL) ? m.text(l, "allMail")
                : topics.find(id).map(t -> t.name(l.code())).orElse(id)).toList();
    }

    /** The words the signup asked consent with: kept as the opt-in's evidence. */
    String wording(Language l, List<String> ids) {
        return m.text(l, "wording", String.join(", ", ids.stream()
                .map(id -> topics.find(id).map(t -> t.name(l.code()) + " (" + t.description(l.code()) + ")").orElse(id)).toList()));
    }

    /** The words of the resume form the person used on the page that refused a link-only resume: kept as evidence. */
    String resumeWording(Language l) {
        return m.text(l, "resume.mail.legend") + " " + m.text(l, "resume.mail.button");
    }

    /** After asking for the resume confirmation mail: check your inbox (the same whatever happened). */
    Page resumeSent(Language l) {
        return text(l, "resume.sent.title", List.of(m.text(l, "resume.sent.body")), List.of(), m.text(l, "inbox.note"));
    }

    Page inbox(Language l) {
        return text(l, "inbox.title", List.of(m.text(l, "inbox.body")), List.of(), m.text(l, "inbox.note"));
    }

    Page confirm(Language l, String maskedAddress, List<String> topicIds, String formToken) {
        return layout.render(l, m.text(l, "confirm.title"), PageLayout.content(out -> JteconfirmGenerated.render(out, null, m, l,
                maskedAddress, names(l, topicIds), formToken)));
    }

    Page confirmed(Language l, List<String> topicIds) {
        return text(l, "confirmed.title", List.of(m.text(l, "confirmed.body")), names(l, topicIds), m.text(l, "confirmed.note"));
    }

    Page gone(Language l) {
        return text(l, "gone.title", List.of(m.text(l, "gone.body")), List.of(), null);
    }

    Page locked(Language l) {
        return text(l, "locked.title", List.of(m.text(l, "locked.body")), List.of(), null);
    }

    private Page text(Language l, String titleKey, List<String> paragraphs, List<String> items, String note) {
        return layout.render(l, m.text(l, titleKey), PageLayout.content(out -> JtetextGenerated.render(out, null, paragraphs, items, note)));
    }
}
