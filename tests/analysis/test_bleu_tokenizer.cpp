// sacreBLEU's 13a tokenizer. Expected outputs follow from its rules (sacrebleu/tokenizers/tokenizer_13a.py and
// tokenizer_re.py, sacreBLEU 2.x) applied by hand; each case isolates one rule.
#include <string>

#include <catch2/catch.hpp>

#include "analysis/bleu_tokenizer.hpp"
#include "framework/core/error.hpp"

using lskd::analysis::tokenize_13a;

TEST_CASE("13a splits final periods but not apostrophes", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("It wasn't surprising.")) == "It wasn't surprising .");
    CHECK(tokenize_13a(std::string("A.")) == "A .");
    CHECK(tokenize_13a(std::string("e.g.")) == "e . g .");
}

TEST_CASE("13a keeps periods and commas inside numbers", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("3.14 and 1,000.")) == "3.14 and 1,000 .");
    CHECK(tokenize_13a(std::string("..,,a.b,1.2,3")) == ". . , , a . b , 1.2,3");
    CHECK(tokenize_13a(std::string("2.,3")) == "2 . , 3");
}

TEST_CASE("13a splits a dash only after a digit", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("a-b 5-3")) == "a-b 5 - 3");
    CHECK(tokenize_13a(std::string("1-2-3")) == "1 - 2 - 3");
}

TEST_CASE("13a splits ASCII symbols", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("Hello, world!(x)")) == "Hello , world ! ( x )");
    CHECK(tokenize_13a(std::string("$5")) == "$ 5");
}

TEST_CASE("13a unescapes entities in order", "[analysis][bleu_tokenizer]") {
    // &amp; becomes & before &lt; is replaced, so "&amp;lt;" ends as "<".
    CHECK(tokenize_13a(std::string("&amp;lt;x&gt;")) == "< x >");
    CHECK(tokenize_13a(std::string("&quot;hi&quot;")) == "\" hi \"");
}

TEST_CASE("13a drops skipped and joins hyphenated line ends", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("<skipped>a")) == "a");
    CHECK(tokenize_13a(std::string("well-\nknown\nline")) == "wellknown line");
}

TEST_CASE("13a splits on Unicode whitespace", "[analysis][bleu_tokenizer]") {
    CHECK(tokenize_13a(std::string("x\u00a0y")) == "x y");
    CHECK(tokenize_13a(std::string("\u3000x,.y")) == "x , . y");
    CHECK(tokenize_13a(std::string("caf\u00e9.")) == "caf\u00e9 .");
    CHECK(tokenize_13a(std::string("   ")).empty());
}

TEST_CASE("13a refuses bytes that are not UTF-8", "[analysis][bleu_tokenizer]") {
    CHECK_THROWS_AS(tokenize_13a(std::string("a\xff")), lskd::Error);
}
