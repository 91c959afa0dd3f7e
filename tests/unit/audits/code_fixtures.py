"""Scripts for the code audit's tests: each leak kind and its clean twin.

`# FIT` and `# SPLIT` mark the lines a finding must name; a clean twin has no marks.
"""

from __future__ import annotations

LEAKS: dict[str, tuple[str, str]] = {
    "leak_scale.py": ("preprocessing", """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("data.csv")
X, y = df.drop(columns="y"), df["y"]
X = StandardScaler().fit_transform(X)  # FIT
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)  # SPLIT
model = LogisticRegression().fit(X_train, y_train)
print(model.score(X_test, y_test))
"""),
    "leak_select_kfold.py": ("feature selection", """\
import pandas as pd
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import KFold
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
X, y = df.values[:, :-1], df.values[:, -1]
selector = SelectKBest(f_classif, k=10)
selector.fit(X, y)  # FIT
X_sel = selector.transform(X)
kf = KFold(n_splits=5, shuffle=True)
for i, (tr, te) in enumerate(kf.split(X_sel)):  # SPLIT
    clf = SVC().fit(X_sel[tr], y[tr])
    print(clf.score(X_sel[te], y[te]))
"""),
    "leak_smote_cv.py": ("oversampling", """\
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score


def main():
    X, y = np.load("x.npy"), np.load("y.npy")
    sm = SMOTE(random_state=0)
    X_res, y_res = sm.fit_resample(X, y)  # FIT
    cv = StratifiedKFold(5)
    scores = cross_val_score(RandomForestClassifier(), X_res, y_res, cv=cv)  # SPLIT
    print(scores.mean())


main()
"""),
    "leak_impute_grid.py": ("imputation", """\
import pandas as pd
from sklearn.impute import SimpleImputer as Imputer
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
features = Imputer(strategy="median").fit_transform(df[["a", "b"]])  # FIT
search = GridSearchCV(SVC(), {"C": [1, 10]}, cv=5)
search.fit(features, df["y"])  # SPLIT
"""),
    "leak_pandas_scaling.py": ("preprocessing", """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate

df = pd.read_csv("d.csv")
X = df.drop(columns=["y"])
X = (X - X.mean()) / X.std()  # FIT
result = cross_validate(LogisticRegression(), X, df["y"], cv=10)  # SPLIT
"""),
    "leak_test_oversampling.py": ("test-set oversampling", """\
import numpy as np
from imblearn.over_sampling import ADASYN
from sklearn.model_selection import train_test_split

X, y = np.load("x.npy"), np.load("y.npy")
X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y)  # SPLIT
X_tr, y_tr = ADASYN().fit_resample(X_tr, y_tr)
X_te, y_te = ADASYN().fit_resample(X_te, y_te)  # FIT
"""),
    "leak_fit_then_split.py": ("imputation", """\
import numpy as np
from sklearn.impute import KNNImputer
from sklearn.model_selection import train_test_split

X, y = np.load("x.npy"), np.load("y.npy")
imputer = KNNImputer().fit(X)  # FIT
X_train, X_test, y_train, y_test = train_test_split(X, y)  # SPLIT
X_train, X_test = imputer.transform(X_train), imputer.transform(X_test)
"""),
}

CLEAN: dict[str, str] = {
    "clean_scale.py": """\
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("data.csv")
X, y = df.drop(columns="y"), df["y"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
model = LogisticRegression().fit(X_train, y_train)
print(model.score(X_test, y_test))
""",
    "clean_pipelines.py": """\
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectKBest
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

X, y = np.load("x.npy"), np.load("y.npy")
pipe = make_pipeline(SimpleImputer(), StandardScaler(), SMOTE(random_state=0),
                     RandomForestClassifier())
print(cross_val_score(pipe, X, y, cv=5).mean())
search = GridSearchCV(Pipeline([("select", SelectKBest()), ("model", RandomForestClassifier())]),
                      {"select__k": [5, 10]}, cv=5)
search.fit(X, y)
""",
    "clean_folds.py": """\
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.svm import SVC

X = np.load("x.npy")
y = LabelEncoder().fit_transform(np.load("labels.npy"))
for train_idx, test_idx in StratifiedKFold(5).split(X, y):
    scaler = StandardScaler().fit(X[train_idx])
    X_fold, y_fold = SMOTE().fit_resample(scaler.transform(X[train_idx]), y[train_idx])
    model = SVC().fit(X_fold, y_fold)
    print(model.score(scaler.transform(X[test_idx]), y[test_idx]))
""",
    "clean_unused_fit.py": """\
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

X, y = np.load("x.npy"), np.load("y.npy")
shown = PCA(n_components=2).fit_transform(X)  # for a figure only: never split, never scored
plt.scatter(shown[:, 0], shown[:, 1])
X_train, X_test, y_train, y_test = train_test_split(X, y)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
""",
    "clean_refit_on_train.py": """\
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = np.load("x.npy"), np.load("y.npy")
scaler = StandardScaler()
scaler.fit(X)  # a first look at the whole data...
print(scaler.mean_)
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler.fit(X_train)  # ...then refitted on the training part before any use
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
""",
    "clean_per_sample_scaling.py": """\
import numpy as np
from sklearn.model_selection import train_test_split

images, labels = np.load("images.npy"), np.load("labels.npy")
images = np.stack([(im - im.mean()) / im.std() for im in images])
signals = np.load("signals.npy")
for i in range(len(signals)):
    signals[i] = (signals[i] - signals[i].min()) / (signals[i].max() - signals[i].min())
rows = (signals - signals.mean(axis=1, keepdims=True)) / signals.std(axis=1, keepdims=True)
for table in (images, signals):
    table = table.fillna(table.mean())
X_train, X_test, y_train, y_test = train_test_split(images, labels)
S_train, S_test = train_test_split(rows)
""",
}

# Clean by default; leaky only when run with LEAKY=1.
SWITCHED = """\
import os

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

X, y = np.load("x.npy"), np.load("y.npy")
if os.environ.get("LEAKY", "0") == "1":
    X = MinMaxScaler().fit_transform(X)  # FIT
X_train, X_test, y_train, y_test = train_test_split(X, y)  # SPLIT
"""

# A notebook: (cell type, source) in order; magics and a markdown cell in between.
NOTEBOOK_LEAK = [
    ("markdown", "# Loading"),
    ("code", "%matplotlib inline\nimport pandas as pd\nfrom sklearn.preprocessing import "
             "RobustScaler\nfrom sklearn.model_selection import train_test_split"),
    ("code", "df = pd.read_csv('d.csv')\nX, y = df.drop(columns='y'), df['y']"),
    ("code", "scaler = RobustScaler()\nX_scaled = scaler.fit_transform(X)"),
    ("markdown", "## Split"),
    ("code", "!ls\nX_train, X_test, y_train, y_test = train_test_split(X_scaled, y)"),
]
NOTEBOOK_CLEAN = [
    ("code", "import pandas as pd\nfrom sklearn.preprocessing import RobustScaler\n"
             "from sklearn.model_selection import train_test_split"),
    ("code", "df = pd.read_csv('d.csv')\nX, y = df.drop(columns='y'), df['y']"),
    ("code", "X_train, X_test, y_train, y_test = train_test_split(X, y)"),
    ("code", "scaler = RobustScaler().fit(X_train)\nX_train = scaler.transform(X_train)\n"
             "X_test = scaler.transform(X_test)"),
]
