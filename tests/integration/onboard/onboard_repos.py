"""Repositories for `repro new`, written by the tests: one per environment kind, a Python 2
one, one with nothing, and one with the files of DeVries et al.'s aftershock repository
(short stand-ins for its scripts, written here; the real code is not copied).
"""

from __future__ import annotations

DEVRIES = {
    "README.md": (
        "# Learning-aftershock-location-patterns\n"
        "Training, testing, evaluation codes for learning aftershock location patterns\n\n"
        "Note that python codes are written using Python 2.7 and Keras with Theano as a "
        "backend.\n\n"
        "TrainModel.py: Script to read in training data and train the neural network.\n\n"
        "EvalModel.py: Evaluate the trained network on the testing data.\n\n"
        "# Data\n\nFiles below available at: "
        "https://drive.google.com/drive/folders/EXAMPLE?usp=sharing\n"),
    "modelfunctions.py": (
        "from __future__ import division\nimport numpy as np\nimport h5py\n"
        "import sklearn as sklearn\nfrom sklearn import metrics\nimport csv\n"
        "from keras.models import Sequential\nfrom keras.layers import Dense, Dropout\n"
        "from theano import ifelse\n\n"
        "def create_model():\n    model = Sequential()\n    return model\n\n"
        "def LoadInputs(name, fields_in, field_out):\n"
        "    f = h5py.File(name, 'r')\n    print 'loaded ' + name\n"
        "    return f[fields_in[0]], f[field_out]\n"),
    "BuildTrainingTestingData.py": (
        "import numpy as np\nimport h5py\nimport modelfunctions\n"
        "print 'building Training_Tmp.h5 and Testing_Tmp.h5'\n"),
    "TrainModel.py": (
        "from __future__ import division\nimport numpy as np\nimport modelfunctions\n"
        "from keras.callbacks import ModelCheckpoint\nimport matplotlib.pyplot as plt\n"
        "trainFile = '../Data/Training.h5'\n"
        "IN, OUT = modelfunctions.LoadInputs(trainFile, ['x'], 'y')\n"
        "model = modelfunctions.create_model()\n"
        "try:\n    model.fit(IN, OUT)\nexcept ValueError, e:\n    print e\n"),
    "EvalModel.py": (
        "from __future__ import division\nimport numpy as np\nimport sklearn as sklearn\n"
        "import modelfunctions\n"
        "testFile = '../Data/Testing.h5'\n"
        "model = modelfunctions.create_model()\n"
        "inTrue, outTrue = modelfunctions.LoadInputs(testFile, ['x'], 'y')\n"
        "outPred = model.predict(inTrue)\n"
        "auc = sklearn.metrics.roc_auc_score(outTrue, outPred)\n"
        "print 'merged AUC on testing data set: ' + str(auc)\n"),
    "Plot_ROC_Curves.py": (
        "import pickle\nimport matplotlib.pyplot as plt\nprint 'plotting ROC curves'\n"),
}

# One repository per environment kind `repro new` reads, in its order of trust.
TRAIN = ("import numpy as np\n\nif __name__ == '__main__':\n"
         "    print(f'test accuracy: {0.9:.3f}')\n")
KINDS: dict[str, dict[str, str]] = {
    "dockerfile": {"Dockerfile": "FROM python:3.8-slim@sha256:" + "a" * 64 + "\nRUN true\n",
                   "requirements.txt": "numpy==1.24.0\n", "train.py": TRAIN},
    "requirements": {"requirements.txt": "numpy==1.24.0\ntorch\n", "train.py": TRAIN,
                     ".python-version": "3.10.4\n"},
    "setup.py": {"setup.py": ("from setuptools import setup\nsetup(name='x', "
                              "python_requires='>=3.8', install_requires=['numpy>=1.20', "
                              "'scipy'])\n"), "train.py": TRAIN},
    "setup.cfg": {"setup.cfg": ("[metadata]\nname = x\nclassifiers =\n"
                                "    Programming Language :: Python :: 3.9\n"
                                "    Programming Language :: Python :: 3.10\n"
                                "[options]\ninstall_requires =\n    pandas==2.0.3\n"
                                "    numpy\n"), "train.py": TRAIN},
    "pyproject": {"pyproject.toml": ("[project]\nname = 'x'\nrequires-python = '>=3.11'\n"
                                     "dependencies = ['scikit-learn==1.3.0']\n"),
                  "train.py": TRAIN},
    "pipfile": {"Pipfile": ("[packages]\nrequests = '*'\nnumpy = '==1.26.0'\n"
                            "[requires]\npython_version = '3.9'\n"), "train.py": TRAIN},
    "conda": {"environment.yml": ("name: x\ndependencies:\n  - python=3.7\n  - numpy=1.17\n"
                                  "  - pytorch=1.4\n  - cudatoolkit=10.1\n"
                                  "  - pip:\n    - tqdm==4.40.0\n"),
              "runtime.txt": "python-3.7.9\n", "train.py": TRAIN},
    "imports": {"train.py": ("import os\nimport cv2\nimport yaml\nfrom PIL import Image\n"
                             "from skimage import io\nimport helpers\n"
                             "if __name__ == '__main__':\n    print('val loss:', 0.1)\n"),
                "helpers.py": "import json\n"},
    "none": {"README.md": "# An empty project\n"},
}
