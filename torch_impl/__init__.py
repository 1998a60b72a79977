"""PyTorch autograd: every network as an nn.Module, trained with loss.backward() and
torch.optim.SGD. Same module names and public functions as numpy_impl; NumPy arrays in
and out at that boundary, float64 unless the spec says float32.
"""
