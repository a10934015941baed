# Writes the NPY/NPZ files beside this script with NumPy itself (np.save, np.savez, np.savez_compressed and
# numpy.lib.format.write_array), so NpyFromNumpyTest reads files another tool wrote, not files we wrote.
# Every array is derived from base = arange(24).reshape(2, 3, 4): floats are base * 0.25 - 2 (exact in every
# float width), ints are base - 5 for signed kinds and base for unsigned ones, bools are base % 3 == 0.
import numpy as np
import numpy.lib.format as fmt

base = np.arange(24).reshape(2, 3, 4)
floats = base * 0.25 - 2
for dtype in ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8']:
    np.save('float_%s.npy' % dtype.replace('<', 'le').replace('>', 'be'), floats.astype(dtype))
for dtype in ['|i1', '<i2', '>i2', '<i4', '>i4', '<i8', '>i8']:
    np.save('int_%s.npy' % dtype.replace('<', 'le').replace('>', 'be').replace('|', ''), (base - 5).astype(dtype))
for dtype in ['|u1', '<u2', '>u4', '<u8']:
    np.save('uint_%s.npy' % dtype.replace('<', 'le').replace('>', 'be').replace('|', ''), base.astype(dtype))
np.save('bool.npy', base % 3 == 0)
np.save('fortran_f4.npy', np.asfortranarray(floats.astype('<f4')))
np.save('transposed_f4.npy', floats.astype('<f4').T)
np.save('transposed_i8.npy', (base - 5).T)
np.save('scalar_f4.npy', np.float32(3.5))
np.save('empty_i4.npy', np.zeros((0, 12), np.int32))
for version in [(2, 0), (3, 0)]:
    with open('version%d_f4.npy' % version[0], 'wb') as f:
        fmt.write_array(f, floats.astype('<f4'), version=version)
np.savez('savez.npz', floats=floats.astype('<f4'), tokens=base - 5, fortran=np.asfortranarray(floats))
np.savez_compressed('savez_compressed.npz', floats=floats.astype('<f4'), tokens=base - 5)
