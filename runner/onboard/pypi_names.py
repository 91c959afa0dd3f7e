"""Import names to PyPI names, conda names to PyPI names, and what is not third-party.

A table of the common mismatches; any other import name is guessed to be its own PyPI
name (true for most packages) and the spec marks it as a guess.
"""

from __future__ import annotations

import sys

IMPORT_TO_PYPI: dict[str, str] = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "Pillow", "yaml": "PyYAML",
    "skimage": "scikit-image", "bs4": "beautifulsoup4", "keras": "Keras", "theano": "Theano",
    "Crypto": "pycryptodome", "dateutil": "python-dateutil", "attr": "attrs",
    "dotenv": "python-dotenv", "jwt": "PyJWT", "serial": "pyserial", "usb": "pyusb",
    "MySQLdb": "mysqlclient", "psycopg2": "psycopg2-binary", "fitz": "PyMuPDF",
    "docx": "python-docx", "pptx": "python-pptx", "magic": "python-magic",
    "gi": "PyGObject", "OpenSSL": "pyOpenSSL", "Bio": "biopython", "osgeo": "GDAL",
    "zmq": "pyzmq", "mpl_toolkits": "matplotlib", "pylab": "matplotlib",
    "google.protobuf": "protobuf", "tensorflow_hub": "tensorflow-hub", "lasagne": "Lasagne",
    "pytorch_lightning": "pytorch-lightning", "sentencepiece": "sentencepiece",
    "torch_geometric": "torch-geometric", "git": "GitPython", "Levenshtein": "python-Levenshtein",
    "pydicom": "pydicom", "nibabel": "nibabel", "tables": "tables", "netCDF4": "netCDF4",
    "hydra": "hydra-core",
}

# conda package -> PyPI package, where the names differ or the conda one is well known.
CONDA_TO_PYPI: dict[str, str] = {
    "pytorch": "torch", "torchvision": "torchvision", "torchaudio": "torchaudio",
    "numpy": "numpy", "scipy": "scipy", "pandas": "pandas", "scikit-learn": "scikit-learn",
    "matplotlib": "matplotlib", "matplotlib-base": "matplotlib", "h5py": "h5py",
    "keras": "Keras", "theano": "Theano", "tensorflow": "tensorflow",
    "tensorflow-gpu": "tensorflow-gpu", "pillow": "Pillow", "pyyaml": "PyYAML",
    "seaborn": "seaborn", "tqdm": "tqdm", "jupyter": "jupyter", "notebook": "notebook",
    "ipython": "ipython", "networkx": "networkx", "sympy": "sympy", "numba": "numba",
    "statsmodels": "statsmodels", "scikit-image": "scikit-image", "opencv": "opencv-python",
    "py-opencv": "opencv-python", "xgboost": "xgboost", "lightgbm": "lightgbm",
    "joblib": "joblib", "requests": "requests", "pytables": "tables", "netcdf4": "netCDF4",
    "xarray": "xarray", "dask": "dask", "plotly": "plotly", "bokeh": "bokeh",
    "cython": "Cython", "pytest": "pytest", "six": "six", "future": "future",
    "protobuf": "protobuf", "pyproj": "pyproj", "shapely": "shapely", "gdal": "GDAL",
    "biopython": "biopython", "nltk": "nltk", "gensim": "gensim", "spacy": "spacy",
    "transformers": "transformers", "imageio": "imageio", "tensorboard": "tensorboard",
    "pip": "", "python": "", "setuptools": "", "wheel": "",  # the image provides these
}

# Python 2's standard library names that Python 3 renamed or removed.
PY2_STDLIB = frozenset({
    "cPickle", "cStringIO", "StringIO", "urllib2", "urlparse", "ConfigParser", "Queue",
    "Tkinter", "tkMessageBox", "httplib", "HTMLParser", "__builtin__", "commands", "sets",
    "md5", "sha", "copy_reg", "thread", "exceptions", "SocketServer", "SimpleHTTPServer",
    "BaseHTTPServer", "cookielib", "Cookie", "xmlrpclib", "dummy_thread", "anydbm",
    "dbhash", "whichdb", "UserDict", "UserList", "UserString", "new", "popen2", "imp",
    "htmlentitydefs", "robotparser", "repr", "markupbase", "dumbdbm", "gdbm", "dircache",
})


def is_stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top in PY2_STDLIB or top == "__future__"


def pypi_name(module: str) -> tuple[str, bool]:
    """The PyPI name for an imported module and whether it is known (not a guess)."""
    if module in IMPORT_TO_PYPI:
        return IMPORT_TO_PYPI[module], True
    top = module.split(".")[0]
    if top in IMPORT_TO_PYPI:
        return IMPORT_TO_PYPI[top], True
    return top, top in _SAME_NAME


# Packages whose import name is their PyPI name: listed so the spec does not call them guesses.
_SAME_NAME = frozenset({
    "numpy", "scipy", "pandas", "matplotlib", "h5py", "torch", "torchvision", "tensorflow",
    "seaborn", "tqdm", "requests", "networkx", "sympy", "numba", "statsmodels", "xgboost",
    "lightgbm", "joblib", "imageio", "nltk", "gensim", "spacy", "transformers", "datasets",
    "jax", "flax", "wandb", "tensorboardX", "lxml", "shapely", "pyproj", "xarray", "dask",
    "plotly", "bokeh", "six", "future", "click", "tabulate", "pydot", "graphviz", "obspy",
    "numexpr", "sacred", "mlflow", "omegaconf", "einops", "timm", "gym", "psutil",
})
