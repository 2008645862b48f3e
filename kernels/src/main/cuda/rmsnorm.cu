// RMSNorm over the last dimension: y[t,i] = x[t,i] / sqrt(mean_i(x[t,i]^2) + eps) * w[i]
// One block per row t; the block reduces the row's sum of squares in shared memory, then scales.
// x is fp32 or bf16 (two entry points); w and y are fp32.
#include <cuda_bf16.h>

template <typename T> __device__ __forceinline__ float to_float(T v);
template <> __device__ __forceinline__ float to_float<float>(float v) { return v; }
template <> __device__ __forceinline__ float to_float<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }

// Sum of `v` over the whole block; blockDim.x is a multiple of 32 and at most 1024.
__device__ float block_sum(float v) {
    __shared__ float warp_sums[32];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffff, v, offset);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    int warps = blockDim.x / 32;
    v = (threadIdx.x < warps) ? warp_sums[threadIdx.x] : 0.0f;
    if (warp == 0) {
        for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffff, v, offset);
        if (lane == 0) warp_sums[0] = v;
    }
    __syncthreads();
    return warp_sums[0];
}

template <typename T>
__device__ void rmsnorm(const T* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                        int dim, float eps) {
    const T* row = x + (size_t)blockIdx.x * dim;
    float* out = y + (size_t)blockIdx.x * dim;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float v = to_float(row[i]);
        ss += v * v;
    }
    float scale = rsqrtf(block_sum(ss) / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[i] = to_float(row[i]) * scale * w[i];
}

extern "C" __global__ void rmsnorm_f32(const float* x, const float* w, float* y, int dim, float eps) {
    rmsnorm<float>(x, w, y, dim, eps);
}

extern "C" __global__ void rmsnorm_bf16(const __nv_bfloat16* x, const float* w, float* y, int dim, float eps) {
    rmsnorm<__nv_bfloat16>(x, w, y, dim, eps);
}
