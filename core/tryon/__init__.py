"""Virtual try-on: pose and masks (MediaPipe), garment warping (thin-plate splines), backends, GMM training."""
