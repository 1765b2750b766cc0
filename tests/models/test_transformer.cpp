#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/optim/sgd.hpp"
#include "models/model_registry.hpp"
#include "models/transformer.hpp"
#include "models/transformer_step_decoder.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
using models::TokenBatch;

namespace {

constexpr std::int64_t kSourceVocab = 11, kTargetVocab = 13;

// Rows of random ids in [4, V) after an optional BOS, each row's last `pads[r]` positions PAD.
std::vector<std::int32_t> random_ids(std::int64_t rows, std::int64_t length, std::int64_t vocab,
                                     const std::vector<std::int64_t>& pads, bool bos, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<std::int32_t> ids(static_cast<std::size_t>(rows * length));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t j = 0; j < length; ++j) {
            std::int32_t& id = ids[static_cast<std::size_t>(r * length + j)];
            id = static_cast<std::int32_t>(4 + rng.below(static_cast<std::uint64_t>(vocab - 4)));
            if (bos && j == 0) id = data::kBosId;
            if (j >= length - pads[static_cast<std::size_t>(r)]) id = data::kPadId;
        }
    return ids;
}

std::shared_ptr<models::Transformer> tiny(std::uint64_t seed = 3, double dropout = 0.0) {
    auto model = models::make_sequence_model("transformer-tiny", kSourceVocab, kTargetVocab, seed, {{}, dropout});
    model->eval();
    return model;
}

float max_difference(std::span<const float> a, std::span<const float> b) {
    float worst = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

}  // namespace

TEST_CASE("transformer shapes", "[transformer]") {
    auto model = tiny();
    const auto src = random_ids(3, 5, kSourceVocab, {0, 2, 1}, false, 1);
    const auto tgt = random_ids(3, 4, kTargetVocab, {0, 1, 3}, true, 2);
    const models::SequenceOutput out = model->forward_tokens({src, 3, 5}, {tgt, 3, 4});
    CHECK(out.penultimate.shape() == Shape{12, 128});
    CHECK(out.logits.shape() == Shape{12, kTargetVocab});
    for (float v : out.logits.value().values()) REQUIRE(std::isfinite(v));
    // Module's one-input forward is the encoder, on ids held as floats.
    std::vector<float> as_floats(src.begin(), src.end());
    const Tensor memory = model->forward(Variable(Tensor::from({3, 5}, as_floats))).value();
    CHECK(memory.shape() == Shape{3, 5, 128});
    CHECK(max_difference(memory.values(), model->encode({src, 3, 5}).value().values()) == 0.0f);
}

TEST_CASE("transformer parameter names and counts", "[transformer]") {
    for (const std::string& name : models::model_names(models::ModelKind::sequence)) {
        auto model = models::make_sequence_model(name, kSourceVocab, kTargetVocab, 1);
        std::uint64_t built = 0;
        std::vector<std::string> names;
        for (const nn::NamedParameter& p : model->named_parameters()) {
            built += static_cast<std::uint64_t>(p.var.value().numel());
            names.push_back(p.name);
        }
        CHECK(models::sequence_parameter_count(name, kSourceVocab, kTargetVocab) == built);
        for (const char* expected :
             {"src_embed.weight", "tgt_embed.weight", "encoder.layers.1.self_attn.in_proj_weight",
              "encoder.layers.0.linear2.bias", "encoder.norm.weight", "decoder.layers.1.multihead_attn.out_proj.weight",
              "decoder.layers.0.norm3.bias", "decoder.norm.bias"})
            CHECK(std::count(names.begin(), names.end(), expected) == 1);
        // The output projection is tgt_embed itself: no other [V, d] matrix.
        CHECK(std::none_of(names.begin(), names.end(), [](const std::string& n) { return n.find("out.") == 0; }));
    }
    // torch.nn.Transformer(128, 4, 2, 2, 512, norm_first=True) counts 926208 parameters; the two embeddings add
    // V·d each.
    CHECK(models::transformer_parameters({2, 2, 128, 4, 512}, 4, 4) == 926208 + 8 * 128);
}

TEST_CASE("transformer table and its errors", "[transformer]") {
    CHECK(models::model_names(models::ModelKind::sequence) ==
          std::vector<std::string>{"transformer-tiny", "transformer-small"});
    CHECK_THAT(models::model_listing(), Catch::Contains("transformer-tiny"));
    CHECK_THROWS_WITH(models::make_model("transformer-tiny", {28, 28, 1}, 10, 1),
                      Catch::StartsWith("model transformer-tiny is a sequence model, not an image classifier"));
    CHECK_THROWS_WITH(models::make_sequence_model("lenet", 10, 10, 1),
                      Catch::StartsWith("model lenet is an image classifier, not a sequence model"));
    CHECK_THROWS_WITH(models::make_sequence_model("transformer-tiny", 4, 10, 1),
                      Catch::Contains("leave none beside the 4 special ones"));
    auto model = tiny();
    const std::vector<std::int32_t> bad = {5, 11};
    CHECK_THROWS_WITH(model->encode({bad, 1, 2}), Catch::Contains("source id 11 at row 0, position 1"));
}

TEST_CASE("transformer padding is invisible", "[transformer]") {
    // Changing what stands in PAD positions' embeddings cannot reach another row or a real token's logits: a
    // padded source gives the same logits as its unpadded self, and so does a shorter decoder input.
    auto model = tiny();
    const std::vector<std::int32_t> src_padded = {5, 6, 7, data::kPadId, data::kPadId}, src = {5, 6, 7};
    const std::vector<std::int32_t> tgt = {data::kBosId, 8, 9, 10}, tgt_short = {data::kBosId, 8};
    const Tensor a = model->forward_tokens({src_padded, 1, 5}, {tgt, 1, 4}).logits.value();
    const Tensor b = model->forward_tokens({src, 1, 3}, {tgt, 1, 4}).logits.value();
    const Tensor c = model->forward_tokens({src, 1, 3}, {tgt_short, 1, 2}).logits.value();
    CHECK(max_difference(a.values(), b.values()) < 1e-5f);
    CHECK(max_difference(c.values(), b.values().subspan(0, 2 * kTargetVocab)) < 1e-5f);  // causal
}

TEST_CASE("transformer step decoder equals the full forward", "[transformer]") {
    auto model = tiny(5);
    const std::int64_t n = 3, ls = 6, lt = 5;
    const auto src = random_ids(n, ls, kSourceVocab, {0, 3, 1}, false, 7);
    const auto tgt = random_ids(n, lt, kTargetVocab, {0, 0, 0}, true, 8);
    const Tensor full = model->forward_tokens({src, n, ls}, {tgt, n, lt}).logits.value();
    models::TransformerStepDecoder decoder(*model, {src, n, ls}, lt);
    // Two rows per source; rows are reordered after step 2 (source 0's rows swap, source 1 keeps one row twice,
    // source 2 is finished and drops), and every row keeps following its gold prefix, so its logits are the
    // full forward's at that position.
    decoder.start(2);
    std::vector<std::int32_t> row_source = {0, 0, 1, 1, 2, 2};
    Tensor logits = Tensor::empty({6, kTargetVocab});
    for (std::int64_t t = 0; t < lt; ++t) {
        if (t == 2) {
            const std::vector<std::int32_t> parents = {1, 0, 3, 3};
            decoder.reorder(parents);
            row_source = {0, 0, 1, 1};
            logits = Tensor::empty({4, kTargetVocab});
        }
        std::vector<std::int32_t> tokens;
        for (std::int32_t s : row_source) tokens.push_back(tgt[static_cast<std::size_t>(s * lt + t)]);
        decoder.step(tokens, logits);
        for (std::size_t r = 0; r < row_source.size(); ++r) {
            const float* want = full.data() + (row_source[r] * lt + t) * kTargetVocab;
            const float* got = logits.data() + static_cast<std::int64_t>(r) * kTargetVocab;
            REQUIRE(max_difference({want, kTargetVocab}, {got, kTargetVocab}) < 1e-4f);
        }
    }
    const std::vector<std::int32_t> more(4, 4);
    CHECK_THROWS_WITH(decoder.step(more, logits), Catch::Contains("histories are full at 5 tokens"));
}

TEST_CASE("transformer step decoder errors", "[transformer]") {
    auto model = tiny();
    const std::vector<std::int32_t> src = {5, 6};
    models::TransformerStepDecoder decoder(*model, {src, 1, 2}, 4);
    Tensor logits = Tensor::empty({2, kTargetVocab});
    const std::vector<std::int32_t> one = {data::kBosId};
    CHECK_THROWS_WITH(decoder.step(one, logits), "Transformer step decoder: step before start");
    decoder.start(2);
    CHECK_THROWS_WITH(decoder.step(one, logits), "Transformer step decoder: 1 tokens for 2 rows");
    const std::vector<std::int32_t> parents = {0, 2};
    CHECK_THROWS_WITH(decoder.reorder(parents), Catch::Contains("parent 2 of row 1 is not a row in [0, 2)"));
    model->train();
    CHECK_THROWS_WITH(models::TransformerStepDecoder(*model, {src, 1, 2}, 4), Catch::Contains("training mode"));
}

// Writes the parameters, a batch and its logits for tests/models/transformer_twin.py (to $LSKD_TWIN_FILE when set),
// and checks the file round trip: a model of another seed loaded from it gives the same logits.
TEST_CASE("transformer twin file", "[transformer]") {
    const char* env = std::getenv("LSKD_TWIN_FILE");
    const std::string dir = testing::process_test_dir();
    std::filesystem::create_directories(dir);
    const std::string path = env != nullptr ? std::string(env) : dir + "/twin.h5";
    auto model = tiny(9);
    const std::int64_t n = 3, ls = 7, lt = 6;
    const auto src = random_ids(n, ls, kSourceVocab, {0, 2, 4}, false, 4);
    const auto tgt = random_ids(n, lt, kTargetVocab, {0, 1, 3}, true, 5);
    const Tensor logits = model->forward_tokens({src, n, ls}, {tgt, n, lt}).logits.value();
    {
        io::H5File file = io::H5File::create(path);
        for (const auto& [name, value] : model->state()) file.write("/params/" + name, value);
        file.write("/source", src, {n, ls});
        file.write("/decoder_input", tgt, {n, lt});
        file.write("/logits", logits);
        file.set_attr("/", "parameters", static_cast<std::int64_t>(model->num_parameters()));
        file.close();
    }
    nn::StateDict state;
    const io::H5File file = io::H5File::open_read(path);
    for (const auto& [name, value] : model->state()) state[name] = file.read_tensor("/params/" + name);
    auto other = tiny(10);
    other->load_state(state);
    const Tensor again = other->forward_tokens({src, n, ls}, {tgt, n, lt}).logits.value();
    CHECK(max_difference(again.values(), file.read_tensor("/logits").values()) == 0.0f);
    if (env == nullptr) std::filesystem::remove_all(dir);
}

// Copying random strings: a one-layer model learns it within a few hundred SGD steps, so the loss must fall far.
TEST_CASE("transformer learns to copy", "[transformer][slow]") {
    Rng init(1);
    models::Transformer model(init, {1, 1, 32, 4, 64}, 12, 12, 0.0f, nn::Activation::relu, 2);
    optim::SGD sgd(model.named_parameters(), {.lr = 0.05, .momentum = 0.9});
    const std::int64_t n = 16, l = 5;
    Rng data(3);
    float first = 0.0f, last = 0.0f;
    for (int step = 0; step < 300; ++step) {
        std::vector<std::int32_t> src(n * l), input(n * (l + 1));
        Tensor target = Tensor::zeros({n * (l + 1), 12});
        for (std::int64_t r = 0; r < n; ++r) {
            input[static_cast<std::size_t>(r * (l + 1))] = data::kBosId;
            for (std::int64_t j = 0; j <= l; ++j) {
                const auto token = j < l ? static_cast<std::int32_t>(4 + data.below(8)) : data::kEosId;
                if (j < l)
                    src[static_cast<std::size_t>(r * l + j)] = input[static_cast<std::size_t>(r * (l + 1) + j + 1)] =
                        token;
                target.at((r * (l + 1) + j) * 12 + token) = 1.0f;
            }
        }
        const std::vector<float> weights(static_cast<std::size_t>(n * (l + 1)), 1.0f);
        model.zero_grad();
        Variable loss =
            ops::token_cross_entropy(model.forward_tokens({src, n, l}, {input, n, l + 1}).logits, target, weights);
        loss.backward();
        sgd.step();
        (step == 0 ? first : last) = loss.value().at(0);
    }
    INFO("loss " << first << " → " << last);
    CHECK(last < 0.2f * first);
}
