#include <catch2/catch.hpp>

#include "framework/data/gettext_filters.hpp"

using namespace lskd::data;
using namespace std::string_literals;

TEST_CASE("gettext accelerators are removed", "[data][gettext]") {
    CHECK(clean_message("_Open the file") == "Open the file");
    CHECK(clean_message("Save &As...") == "Save As...");
    CHECK(clean_message("Datei _öffnen") == "Datei öffnen");
    CHECK(clean_message("(_Help)") == "(Help)");
    CHECK(clean_message("use snake_case names") == "use snake_case names");
    CHECK(clean_message("a && b") == "a && b");
    CHECK(clean_message("Tom &amp; Jerry &#169; &lt;x&gt;") == "Tom &amp; Jerry &#169; &lt;x&gt;");
    CHECK(clean_message("__init__ _ & end_") == "__init__ _ & end_");
    CHECK(clean_message("%s_%d") == "%s_%d");
}

TEST_CASE("gettext whitespace is trimmed and collapsed", "[data][gettext]") {
    CHECK(clean_message("  Try --help for more information.\n") == "Try --help for more information.");
    CHECK(clean_message(" \n\t ").empty());
    CHECK(clean_message("Size\t\tUsed  _Priority") == "Size Used Priority");
    CHECK(clean_message("first line \n  second") == "first line \n second");
}

TEST_CASE("gettext words are counted on whitespace", "[data][gettext]") {
    CHECK(count_words("") == 0);
    CHECK(count_words("one") == 1);
    CHECK(count_words(" two\twords ") == 2);
    CHECK(count_words("%s: cannot open %s") == 4);
}

TEST_CASE("gettext pairs are filtered", "[data][gettext]") {
    CHECK(keep_message_pair("cannot open the file", "Datei kann nicht geöffnet werden"));
    CHECK_FALSE(keep_message_pair("Open file", "Datei öffnen werden"));                      // 2 source words
    CHECK_FALSE(keep_message_pair("cannot open the file", "Datei unlesbar"));                // 2 target words
    CHECK_FALSE(keep_message_pair("usage of the tool\nmore", "Aufruf des Werkzeugs hier"));  // two lines
    CHECK_FALSE(keep_message_pair("%s: cannot open %s", "%s: cannot open %s"));              // untranslated
    CHECK(keep_message_pair("%1$s of %2$s is done", "%2$s: %1$s ist fertig"));               // directives are kept
    const std::string thirty = "w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w";
    CHECK(keep_message_pair(thirty, "x " + thirty.substr(2)));
    CHECK_FALSE(keep_message_pair(thirty + " w", "x " + thirty));  // 31 words
}

TEST_CASE("gettext entries give one or two pairs", "[data][gettext]") {
    MoEntry plain{"menu", "_Quit the program now", "", {"Programm jetzt _beenden\n"}};
    CHECK(entry_pairs(plain) ==
          std::vector<std::pair<std::string, std::string>>{{"Quit the program now", "Programm jetzt beenden"}});
    MoEntry plural{"", "one file was removed", "%d files were removed", {"eine Datei entfernt", "%d Dateien entfernt"}};
    CHECK(entry_pairs(plural) ==
          std::vector<std::pair<std::string, std::string>>{{"one file was removed", "eine Datei entfernt"},
                                                           {"%d files were removed", "%d Dateien entfernt"}});
    plural.translations.push_back("%d Dateien (Form 3)");  // a rule with three forms: which is the plural is unknown
    CHECK(entry_pairs(plural).size() == 1);
}
