# Installs the `capacity` binary (capacity.exe) from a GitHub release on Windows, with no
# Rust toolchain needed. In PowerShell:
#
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/OWNER/REPO/releases/latest/download/capacity-installer.ps1 | iex"
#
# The copy attached to a release (capacity-installer.ps1) installs that release. Settings, all
# optional, as environment variables:
#   CAPACITY_INSTALL_DIR   where capacity.exe goes (default: %LOCALAPPDATA%\Programs\capacity),
#                          added to your user PATH if it is not there
#   CAPACITY_VERSION       a release tag such as v0.1.0 (default: the release it came with)
#   CAPACITY_REPOSITORY    owner/name on GitHub (default: the repository it came from)
#   CAPACITY_DOWNLOAD_URL  the folder holding the archives, instead of GitHub (a mirror)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # the progress bar makes Invoke-WebRequest slow

# A throw, not `exit`: run through `irm ... | iex`, exit would close the user's PowerShell.
function Fail([string]$Message) {
    throw "capacity installer: error: $Message"
}

# Filled in by the release workflow (.github/workflows/release.yml).
$Repository = if ($env:CAPACITY_REPOSITORY) { $env:CAPACITY_REPOSITORY } else { '@REPOSITORY@' }
$Version = if ($env:CAPACITY_VERSION) { $env:CAPACITY_VERSION } else { '@VERSION@' }
$InstallDir = if ($env:CAPACITY_INSTALL_DIR) { $env:CAPACITY_INSTALL_DIR } else {
    Join-Path $env:LOCALAPPDATA 'Programs\capacity'
}
if ($env:CAPACITY_DOWNLOAD_URL) {
    $Base = $env:CAPACITY_DOWNLOAD_URL
} elseif ("$Repository$Version".Contains('@')) {
    Fail 'this is the template of the installer; run capacity-installer.ps1 from a release, or set CAPACITY_REPOSITORY=owner/name and CAPACITY_VERSION=vX.Y.Z'
} else {
    $Base = "https://github.com/$Repository/releases/download/$Version"
}

# One Windows build: x64, which Windows on Arm also runs (by emulation).
$Target = 'x86_64-pc-windows-msvc'
$Archive = "capacity-$Target.zip"
# Windows PowerShell 5.1 may not offer TLS 1.2 by default.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

$Tmp = Join-Path ([IO.Path]::GetTempPath()) ("capacity-install-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
try {
    Write-Host "capacity installer: downloading $Base/$Archive"
    try {
        Invoke-WebRequest -UseBasicParsing -Uri "$Base/$Archive" -OutFile (Join-Path $Tmp $Archive)
        Invoke-WebRequest -UseBasicParsing -Uri "$Base/$Archive.sha256" -OutFile (Join-Path $Tmp "$Archive.sha256")
    } catch {
        Fail "could not download $Base/$Archive`: $_"
    }
    $Expected = ((Get-Content (Join-Path $Tmp "$Archive.sha256") -Raw).Trim() -split '\s+')[0]
    $Actual = (Get-FileHash -Algorithm SHA256 (Join-Path $Tmp $Archive)).Hash
    if ($Expected -ne $Actual) { # -ne ignores case: the hashes differ, not their spelling
        Fail "$Archive`: SHA-256 is $Actual, the release says $Expected; the download is damaged, try again"
    }
    Expand-Archive -Path (Join-Path $Tmp $Archive) -DestinationPath $Tmp -Force
    New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
    $Exe = Join-Path $InstallDir 'capacity.exe'
    Copy-Item -Force (Join-Path $Tmp "capacity-$Target\capacity.exe") $Exe
} finally {
    Remove-Item -Recurse -Force $Tmp -ErrorAction SilentlyContinue
}

$Installed = & $Exe --version
Write-Host "capacity installer: installed $Installed to $Exe"

$UserPath = [Environment]::GetEnvironmentVariable('Path', 'User')
$Dirs = if ($UserPath) { $UserPath -split ';' } else { @() }
if ($Dirs -notcontains $InstallDir) {
    $NewPath = if ($UserPath) { "$InstallDir;$UserPath" } else { $InstallDir }
    [Environment]::SetEnvironmentVariable('Path', $NewPath, 'User')
    Write-Host "capacity installer: added $InstallDir to your user PATH; open a new terminal to use capacity"
}
