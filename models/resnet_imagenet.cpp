#include "models/resnet_imagenet.hpp"

#include <string>

#include "framework/layers/nn.hpp"
#include "models/resnet_blocks.hpp"

namespace lskd::models {
namespace {

// torchvision's layer1..4: a Sequential of blocks named 0, 1, ..., which the classifier's fused inference pass runs
// through the blocks' own fused infer().
class Layer : public nn::Sequential, public nn::InferenceModule {
public:
    Tensor infer(Tensor x) override { return inference_.run(*this, std::move(x)); }

private:
    nn::SequentialInference inference_;
};

std::shared_ptr<Layer> make_layer(Rng& rng, const ResNetImageNetLayout& layout, std::int64_t& channels,
                                  std::int64_t width, std::int64_t blocks, std::int64_t stride) {
    auto layer = std::make_shared<Layer>();
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::int64_t s = b == 0 ? stride : 1;
        if (layout.bottleneck)
            layer->append(std::make_shared<Bottleneck>(rng, channels, width, s));
        else
            layer->append(std::make_shared<BasicBlock>(rng, channels, width, s, "downsample"));
        channels = width * layout.expansion();
    }
    return layer;
}

}  // namespace

ResNetImageNet::ResNetImageNet(Rng& rng, const InputShape& input, const ResNetImageNetLayout& layout,
                               std::int64_t num_classes)
    : Classifier(TopLevelNames{}) {
    add_to_body("conv1", kaiming_conv(rng, input.channels, kResNetStemChannels, 7, 2));
    add_to_body("bn1", std::make_shared<nn::BatchNorm2d>(kResNetStemChannels));
    add_to_body("relu", std::make_shared<nn::ReLU>());
    add_to_body("maxpool", std::make_shared<nn::MaxPool2d>(3, 2, 1));
    std::int64_t channels = kResNetStemChannels;
    for (std::size_t i = 0; i < layout.blocks.size(); ++i)
        add_to_body("layer" + std::to_string(i + 1),
                    make_layer(rng, layout, channels, kResNetStemChannels << i, layout.blocks[i], i == 0 ? 1 : 2));
    add_to_body("avgpool", std::make_shared<nn::GlobalAvgPool>());
    set_head(std::make_shared<nn::Linear>(rng, channels, num_classes), "fc");
}

}  // namespace lskd::models
