// Convenience header: the whole nn module system (Module, the layers, pooling, Sequential and the initialisers).
#pragma once
#include "framework/layers/batch_norm.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/layers/dropout.hpp"
#include "framework/layers/flatten.hpp"
#include "framework/layers/init.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/module.hpp"
#include "framework/layers/pooling.hpp"
#include "framework/layers/relu.hpp"
#include "framework/layers/sequential.hpp"
